#!/usr/bin/env python3
"""Compare builds of `synergen-bench` side by side: the same benchmarks, run by each binary in turn,
rounds interleaved (A B C, A B C, ...) so machine noise hits every build alike. Prints the median of
each measure per build and its ratio to the first build.

  python3 scripts/bench_builds.py BIN_A BIN_B [BIN_C ...] [--rounds 3] [--only vq,preprocess,text] [--max-size 256]

Used to measure what a change of compiler flags or of the encoder's threading costs (e.g. the
release build with and without `-Ounchecked`). Needs the test fixtures (`make test-fixtures`).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_preprocess  # noqa: E402  (its images)
import bench_text  # noqa: E402  (its captions)

PIN = ["taskset", "-c", "0"]
VQ_CASES = [("llamagen-vq16", 256, 3), ("emu3", 256, 2), ("llamagen-vq16", 512, 2), ("emu3", 512, 1)]


def measures(binary, only, paths, corpus, tokenizer, max_size):
    """{name: value} for one run of every benchmark with `binary` (higher is better)."""
    out = {}
    if "preprocess" in only:
        for mode, flags in (("views", []), ("decode+views", ["--decode"])):
            r = json.loads(subprocess.check_output(PIN + [binary, "preprocess", "--json", "--seconds", "2", *flags, *paths]))
            out[f"preprocess {mode} img/s"] = r["images_per_s"]
    if "text" in only:
        lines = subprocess.check_output(PIN + [binary, "text", "--tokenizer", tokenizer, "--corpus", corpus, "--repeats", "3"],
                                        text=True).strip().splitlines()
        out["text tokens/s"] = json.loads(lines[-1])["tokens_per_s"]
    if "vq" in only:
        for preset, size, runs in (c for c in VQ_CASES if c[1] <= max_size):
            line = subprocess.check_output([binary, "vq", "encode", "--preset", preset, "--size", str(size), "--runs", str(runs),
                                            "--threads", "2"], text=True).strip().splitlines()[-1]
            out[f"vq {preset} {size} views/s"] = 1 / json.loads(line)["seconds_per_view"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="vq,preprocess,text")
    ap.add_argument("--max-size", type=int, default=512, help="largest VQ view side to time (256 skips the slow 512 px cases)")
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "Tests/Fixtures/generated/text/qwen/tokenizer.json"))
    a = ap.parse_args()
    only = set(a.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, im in enumerate(bench_preprocess.images()):
            p = os.path.join(tmp, f"img{i}.jpg")
            im.save(p, quality=90)
            paths.append(p)
        corpus = os.path.join(tmp, "captions.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(bench_text.captions(100_000)) + "\n")
        results = {b: {} for b in a.binaries}
        for r in range(a.rounds):
            for b in a.binaries:
                for name, value in measures(b, only, paths, corpus, a.tokenizer, a.max_size).items():
                    results[b].setdefault(name, []).append(value)
            print(f"round {r + 1} of {a.rounds} done", file=sys.stderr)
    names = list(results[a.binaries[0]])
    print("| measure | " + " | ".join(os.path.basename(b) for b in a.binaries) + " | " +
          " | ".join(f"{os.path.basename(b)} / {os.path.basename(a.binaries[0])}" for b in a.binaries[1:]) + " |")
    print("|---" * (1 + 2 * len(a.binaries) - 1) + "|")
    for name in names:
        med = [statistics.median(results[b][name]) for b in a.binaries]
        print(f"| {name} | " + " | ".join(f"{m:.3f}" for m in med) + " | " +
              " | ".join(f"{m / med[0]:.3f}" for m in med[1:]) + " |")


if __name__ == "__main__":
    main()
