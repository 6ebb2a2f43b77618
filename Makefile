# The two set-up commands of the README: `make demo` and `make test`. Each installs what it needs.
.PHONY: deps demo test test-fixtures test-determinism test-slurm fault-matrix test-hostile fuzz probe-openblas bench bench-decode bench-preprocess bench-text bench-vq bench-pack

BIN := .build/release/synergen-prep
DEMO := shards/demo
# A small Emu3-family encoder with seeded random weights: the demo shows the pipeline, not a model.
DEMO_VQ := models/emu3-ch32-random.safetensors

deps:
	@bash scripts/install-deps.sh

# The main job on the embedded default corpus: demo-data -> inspect -> tokenize -> pack -> stats.
demo: deps
	swift build -c release --product synergen-prep
	$(BIN) demo-data --out $(DEMO)
	$(BIN) inspect manifests/demo.txt
	test -f $(DEMO_VQ) || $(BIN) vq init --preset emu3 --ch 32 --seed 0 --out $(DEMO_VQ)
	$(BIN) tokenize manifests/demo.txt --vq-weights $(DEMO_VQ) --size 256
	$(BIN) stats shards/tokenized
	$(BIN) pack shards/tokenized --seq 8192
	$(BIN) stats shards/packed

# Fixtures the Swift tests compare against (Pillow, webdataset, tokenizers), generated, git-ignored.
test-fixtures: deps
	python3 scripts/make_decode_fixtures.py
	python3 scripts/make_image_fixtures.py
	python3 scripts/make_text_fixtures.py
	python3 scripts/make_vq_photo_fixtures.py

test: test-fixtures
	swift build
	swift test
	bash scripts/make_pack_fixtures.sh
	PYTHONPATH=python python3 -m pytest -q python/tests

# The VQ thread/worker-invariance tests at full size (512 px views, s2 preset) on an optimised build
# (minutes; `make test` runs them at 256 px, s1).
test-determinism: test-fixtures
	swift build -c release -Xswiftc -enable-testing --build-tests
	SYNERGEN_DETERMINISM_SIZE=512 SYNERGEN_DETERMINISM_STAGE=s2 \
	    swift test -c release -Xswiftc -enable-testing --skip-build --filter VQDeterminismTests

# A one-node Slurm cluster on this machine (root; installs slurm-wlm and munge when missing), the
# tokenize -> pack -> merge chain through deploy/slurm/submit.sh with 3 array tasks, compared byte for
# byte with a single-process run (about a minute on 2 cores, with the build).
test-slurm: deps
	swift build -c release --product synergen-prep
	bash scripts/slurm-local.sh

# Faults against the release binary: kill -9 / SIGTERM at seeded and targeted moments, full disk (tmpfs),
# read-only output, flipped bytes, a dying pipe:; every re-run compared byte for byte with an
# uninterrupted run (root; about 5 minutes on 2 cores).
fault-matrix: deps
	swift build -c release --product synergen-prep
	test -f Tests/Fixtures/generated/text/qwen/tokenizer.json || $(MAKE) test-fixtures
	nice -n 10 bash scripts/fault-matrix.sh

# Hostile corpus: >= 3000 mutated samples from real photos plus tar-level attacks through inspect and
# tokenize under /usr/bin/time -v: every sample accounted for, valid images decoded, RSS bounded (~2 min).
test-hostile: deps
	swift build -c release --product synergen-prep
	test -f Tests/Fixtures/generated/text/qwen/tokenizer.json || $(MAKE) test-fixtures
	test -x /usr/bin/time || apt-get install -y -qq time
	nice -n 10 python3 scripts/hostile_corpus.py

# libFuzzer + ASan targets for every parser (Fuzz/), 10 minutes each (FUZZ_SECONDS=30 for a CI-sized run).
fuzz: deps
	FUZZ_SECONDS=$${FUZZ_SECONDS:-600} bash scripts/fuzz.sh

# Whether this machine's OpenBLAS gives other bits with 2 threads than with 1 on the encoders' product
# shapes (the encoder never relies on it: it calls OpenBLAS single-threaded).
probe-openblas: deps
	cc -O2 scripts/openblas_thread_probe.c $$(pkg-config --cflags --libs openblas) -o .build/openblas-thread-probe
	.build/openblas-thread-probe
	OPENBLAS_CORETYPE=Haswell .build/openblas-thread-probe

# Benchmarks against the Python references, side by side in one run (release builds).
bench: bench-decode bench-preprocess bench-text bench-vq bench-pack

bench-decode: deps
	python3 scripts/bench_decode.py

bench-preprocess: deps
	python3 scripts/bench_preprocess.py

bench-text: deps
	python3 scripts/bench_text.py

# Needs PyTorch (CPU): pip install --no-deps /opt/wheels/torch-*.whl plus its small dependencies.
bench-vq: deps
	python3 scripts/bench_vq.py

bench-pack: deps
	python3 scripts/bench_pack.py
