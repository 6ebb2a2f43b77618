#!/usr/bin/env python3
"""Decode benchmark, side by side in one run: synergen (Swift, libjpeg-turbo via TurboJPEG) against
Pillow, one thread each, on the same real photos re-encoded at web sizes.

Modes: full-size decode to RGB; decode with DCT-domain downscaling to at least MIN x MIN
(Pillow: Image.draft; synergen: the same 1/2, 1/4, 1/8 scales by default, and "dct-scaled-n8" with
every n/8 scale libjpeg-turbo offers, shown for information).

    python3 scripts/bench_decode.py [--seconds 3] [--min-size 512]
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import skimage
from PIL import Image, features

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def make_images(folder):
    """Real photos from the scikit-image wheel, resized to typical web-crawl sizes, JPEG q90 4:2:0."""
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    sources = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg"]
    sizes = [(1024, 768), (1600, 1200), (2048, 1365), (800, 1200)]
    paths = []
    for i, name in enumerate(sources):
        im = Image.open(os.path.join(data, name)).convert("RGB")
        for j, size in enumerate(sizes[i % 2::2]):
            path = os.path.join(folder, f"{i}-{j}.jpg")
            im.resize(size, Image.Resampling.BICUBIC).save(path, quality=90)
            paths.append(path)
    return paths


def pillow(blobs, mode, min_size, seconds):
    def once(blob):
        im = Image.open(io.BytesIO(blob))
        if mode == "dct-scaled":
            im.draft("RGB", (min_size, min_size))
        im = im.convert("RGB")
        return im.size[0] * im.size[1]

    for blob in blobs:
        once(blob)
    decoded = pixels = 0
    start = time.perf_counter()
    while True:
        for blob in blobs:
            pixels += once(blob)
            decoded += 1
        if time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    return dict(impl="pillow", mode=mode, images=decoded, seconds=elapsed, images_per_s=decoded / elapsed,
                mpix_out_per_s=pixels / elapsed / 1e6)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--min-size", type=int, default=512)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "synergen-bench"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip() + "/synergen-bench"
    with tempfile.TemporaryDirectory() as folder:
        paths = make_images(folder)
        blobs = [open(p, "rb").read() for p in paths]
        swift = subprocess.run([binary, "decode", *paths, "--seconds", str(args.seconds), "--min-size", str(args.min_size)],
                               check=True, capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
        ours = {r["mode"]: r for r in (json.loads(line) for line in swift.stdout.splitlines() if line.strip())}
        theirs = {mode: pillow(blobs, mode, args.min_size, args.seconds) for mode in ("full", "dct-scaled")}
    sizes = sorted({Image.open(io.BytesIO(b)).size for b in blobs})
    print(f"{len(blobs)} JPEGs (q90 4:2:0) of sizes {sizes}; one thread each; "
          f"Pillow {Image.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')})")
    print(f"{'mode':<12} {'synergen img/s':>15} {'Pillow img/s':>13} {'ratio':>7}")
    for mode in ("full", "dct-scaled"):
        a, b = ours[mode], theirs[mode]
        print(f"{mode:<12} {a['images_per_s']:>15.1f} {b['images_per_s']:>13.1f} {a['images_per_s'] / b['images_per_s']:>6.2f}x")
    n8 = ours["dct-scaled-n8"]
    print(f"{'dct n/8':<12} {n8['images_per_s']:>15.1f} {'-':>13} (all n/8 scales: smaller output, non-SIMD IDCT)")
    print(f"(dct-scaled: to at least {args.min_size}x{args.min_size}, both at Pillow's draft scales, identical pixels)")


if __name__ == "__main__":
    sys.exit(main())
