#!/usr/bin/env python3
"""Packing benchmark: documents packed per second and fill of `synergen-prep pack`'s packer
(decreasing fit over a seeded shuffle buffer with sequence completion) against classic best-fit
decreasing over the same buffer and plain greedy first-fit in arrival order, on the same document lengths, at 4096 / 8192 / 16384 positions; then what pack groups cost in fill and mix.
Two corpora: a synthetic stage-2 length mix (gen ≈ 280–350 positions, und 1 or 3–7 views of
258 + text) and the demo corpus's real documents (tokenized at 64 px by
scripts/make_pack_fixtures.sh, repeated). Prints a table. Not a test.

  python3 scripts/bench_pack.py [--bin .build/release/synergen-bench] [--documents 20000] [--buffer 1000]

Without --bin it runs `swift build -c release --product synergen-bench` first.
"""
import argparse, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--documents", type=int, default=20000)
    ap.add_argument("--buffer", type=int, default=1000)
    ap.add_argument("--seq", default="4096,8192,16384")
    ap.add_argument("--group-bench-samples", type=int, default=200000)
    a = ap.parse_args()
    binary = a.bin
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "synergen-bench"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build/release/synergen-bench")
    args = [binary, "pack", "--synthetic", str(a.documents), "--buffer", str(a.buffer), "--seq", a.seq]
    fixtures = os.path.join(ROOT, "Tests/Fixtures/generated/pack")
    if os.path.exists(os.path.join(fixtures, "tokenized")):
        args += ["--tokenized", os.path.join(fixtures, "tokenized"), "--tokenizer", os.path.join(fixtures, "tokenizer.json")]
    else:
        print(f"(no demo corpus: run scripts/make_pack_fixtures.sh for the second corpus)", file=sys.stderr)
    out = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    print(f"{'corpus':<22} {'seq':>6} {'docs':>7} {'seqs':>6} {'docs/seq':>8} {'fill':>8} {'docs/s':>10} "
          f"{'BFD fill':>9} {'BFD docs/s':>10} {'greedy fill':>11} {'greedy docs/s':>13}")
    for r in rows:
        print(f"{r['source']:<22} {r['seq']:>6} {r['documents']:>7} {r['sequences']:>6} {r['docs_per_sequence']:>8.2f} "
              f"{100 * r['fill']:>7.2f}% {r['docs_per_s']:>10.0f} {100 * r['bfd_fill']:>8.2f}% {r['bfd_docs_per_s']:>10.0f} "
              f"{100 * r['greedy_fill']:>10.2f}% {r['greedy_docs_per_s']:>13.0f}")
    # What pack groups cost: each group mixed and packed on its own (pack --group-shards).
    out = subprocess.run([binary, "pack-groups", "--samples", str(a.group_bench_samples), "--seq", "8192", "--buffer", str(a.buffer)],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    groups = [json.loads(line) for line in out.splitlines() if line.strip()]
    whole = groups[0]
    print(f"\npack groups at 8192, synthetic stage-2 samples ({a.group_bench_samples}; each offers gen and und, mix gen=1,und=1):")
    print(f"{'samples/group':>13} {'groups':>6} {'seqs':>6} {'extra seqs':>10} {'fill':>8} {'fill cost':>9} "
          f"{'gen share':>9} {'group min':>9} {'group max':>9}")
    for g in groups:
        print(f"{g['group_samples']:>13} {g['groups']:>6} {g['sequences']:>6} {g['sequences'] - whole['sequences']:>10} "
              f"{100 * g['fill']:>7.2f}% {100 * (whole['fill'] - g['fill']):>8.3f}% {g['generation_share']:>9.4f} "
              f"{g['group_share_min']:>9.4f} {g['group_share_max']:>9.4f}")
    target = [r for r in rows if r["seq"] == 8192 and r["source"].startswith("synthetic")]
    if target and target[0]["fill"] < 0.99:
        print(f"WARNING: fill at 8192 is {100 * target[0]['fill']:.2f}%, under the 99% target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
