# The two set-up commands of the README: `make demo` and `make test`. Each installs what it needs.
.PHONY: deps deps-build demo test test-fixtures bench bench-decode bench-preprocess bench-text

BIN := .build/release/synergen-prep
DEMO := shards/demo

deps:
	@bash scripts/install-deps.sh

deps-build:
	@bash scripts/install-deps.sh --no-python

# The main job on the embedded default corpus.
demo: deps-build
	swift build -c release --product synergen-prep
	$(BIN) demo-data --out $(DEMO)
	$(BIN) inspect manifests/demo.txt

# Fixtures the Swift tests compare against (Pillow, webdataset, tokenizers), generated, git-ignored.
test-fixtures: deps
	python3 scripts/make_decode_fixtures.py
	python3 scripts/make_image_fixtures.py
	python3 scripts/make_text_fixtures.py

test: test-fixtures
	swift build
	swift test

# Benchmarks against the Python references, side by side in one run (release builds).
bench: bench-decode bench-preprocess bench-text

bench-decode: deps
	python3 scripts/bench_decode.py

bench-preprocess: deps
	python3 scripts/bench_preprocess.py

bench-text: deps
	python3 scripts/bench_text.py
