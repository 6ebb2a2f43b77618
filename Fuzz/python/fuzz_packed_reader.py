#!/usr/bin/env python3
"""Fuzzes the Python packed-shard reader (python/synergen_reader/reader.py) with Atheris.

    PYTHONPATH=python python3 Fuzz/python/fuzz_packed_reader.py [libFuzzer flags] [CORPUS_DIR...]
    e.g. ... -max_total_time=30 -rss_limit_mb=2048 -timeout=10 Fuzz/.build/fuzz/corpus/py Fuzz/corpus/FuzzPackedShard

The input format is the one of the Swift target FuzzPackedShard, so the seeds are shared: the first
byte picks the mode. Even: the rest is a `.pack` file as it is (written to a temporary file and
opened with `PackedShardReader`). Odd: the rest is a list of *decompressed* sequence records cut at
b"SGPACKSQ"; each is compressed into its own zstd frame behind a valid header and offset table,
so the fuzzer reaches `decode_sequence` and not only zstd's checks. Every sequence is read.

What the reader may raise on bad bytes: `FormatError` (its own) and `zstandard.ZstdError` (a
damaged frame). Anything else (struct.error, UnicodeDecodeError, IndexError, numpy's ValueError,
OverflowError, MemoryError, ...) escapes and counts as a crash: a caller that catches the
documented errors would die on it.

Without Atheris (`pip install atheris`) the same target runs under a small seeded mutation
fuzzer in plain Python (no coverage feedback): `--plain SECONDS CORPUS_DIR...`, findings written
to $FUZZ_PLAIN_FINDINGS (default Fuzz/.build/fuzz/findings/PyPackedReader/).
"""
import os
import random
import struct
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "python"))

try:
    import atheris
except ImportError:  # the plain fallback below
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["synergen_reader"]):
        from synergen_reader import reader as packed
else:
    from synergen_reader import reader as packed

import zstandard

SEPARATOR = b"SGPACKSQ"
SCRATCH = tempfile.mkdtemp(prefix="synergen-pyfuzz-")
PATH = os.path.join(SCRATCH, "shard.pack")
EXPECTED = (packed.FormatError, zstandard.ZstdError)
_cctx = zstandard.ZstdCompressor(level=1, write_content_size=True)


def assemble(records):
    frames = [_cctx.compress(r) for r in records]
    out = packed.MAGIC + struct.pack("<IIQ", packed.VERSION, 0, len(frames))
    offset = 24 + 8 * (len(frames) + 1)
    for f in frames:
        out += struct.pack("<Q", offset)
        offset += len(f)
    return out + struct.pack("<Q", offset) + b"".join(frames)


def run(data: bytes):
    if not data:
        return
    rest = data[1:]
    file = rest if data[0] % 2 == 0 else assemble(rest.split(SEPARATOR))
    with open(PATH, "wb") as f:
        f.write(file)
    try:
        shard = packed.PackedShardReader(PATH, pad_id=7)
        for i in range(min(len(shard), 100_000)):
            try:
                seq = shard[i]
            except EXPECTED:
                continue
            assert seq["input_ids"].shape[0] == seq["sequence_length"], "padded ids do not fill the sequence"
    except EXPECTED:
        pass


def test_one_input(data: bytes):
    run(data)


# --- plain fallback -----------------------------------------------------------------------------
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 1 << 32, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


def mutate(rng, data, seeds):
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if op == 0 and b:
            i = rng.randrange(len(b)); b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 2:
            i = rng.randrange(len(b) + 1); b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 3 and len(b) > 1:
            i = rng.randrange(len(b)); del b[i:i + rng.randint(1, 16)]
        elif op == 4 and len(b) >= 8:
            width = rng.choice([2, 4, 8]); i = rng.randrange(max(1, len(b) - width + 1))
            b[i:i + width] = (rng.choice(INTERESTING) & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
        elif op == 5:
            other = rng.choice(seeds); i = rng.randrange(len(b) + 1); j = rng.randrange(len(other) + 1)
            b = b[:i] + other[j:]
    return bytes(b)


def plain(seconds, dirs):
    seeds = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                seeds.append(f.read())
    seeds = seeds or [b"\0"]
    out = os.environ.get("FUZZ_PLAIN_FINDINGS") or os.path.join(os.path.dirname(HERE), ".build/fuzz/findings/PyPackedReader")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(0)
    corpus = list(seeds)
    n, crashes, start = 0, 0, time.time()
    while time.time() - start < seconds:
        data = mutate(rng, rng.choice(corpus), seeds)
        n += 1
        try:
            run(data)
        except Exception:  # noqa: BLE001 - every escaping exception is a finding
            crashes += 1
            path = os.path.join(out, "crash-%08d" % n)
            with open(path, "wb") as f:
                f.write(data)
            print(f"crash #{crashes}: {path}\n{traceback.format_exc(limit=3)}", file=sys.stderr)
        if n % 64 == 0 and len(corpus) < 1000:
            corpus.append(data)
    took = time.time() - start
    print(f"plain fuzzer: {n} executions in {took:.1f} s ({n / took:.0f}/s), {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--plain":
        sys.exit(plain(float(sys.argv[2]), sys.argv[3:]))
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris, or run with --plain SECONDS CORPUS_DIR...")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
