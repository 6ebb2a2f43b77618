#!/usr/bin/env python3
"""Benchmark: Pillow vs synergen-bench on the same images, same work, one thread each.

Work per image, from already-decoded RGB: generation crop (bicubic resize so the short
side is S = 512 with torchvision rounding, centre crop (dim - S) // 2) plus InternVL `s2`
tiling (up to 6 tiles + thumbnail, bicubic) -- exactly what `synergen-bench preprocess` does.
Prints a table with images/s and the Swift / Pillow ratio (target >= 2x per core).

Usage: python3 scripts/bench_preprocess.py [--seconds 3] [--no-build]
(builds the release `synergen-bench` unless --no-build).
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np  # noqa: F401
    from PIL import Image
    import PIL
    import skimage
    import matplotlib
except ImportError as e:
    sys.exit(f"bench_preprocess: missing Python package ({e}). "
             "Run: pip install pillow numpy scikit-image matplotlib")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import internvl_reference as ref  # noqa: E402

S = 512


def images():
    sk = os.path.join(os.path.dirname(skimage.__file__), "data")
    mpl = os.path.join(matplotlib.get_data_path(), "sample_data")
    base = [Image.open(os.path.join(sk, n)).convert("RGB") for n in ("astronaut.png", "coffee.png", "chelsea.png")]
    base.append(Image.open(os.path.join(mpl, "grace_hopper.jpg")).convert("RGB"))
    # Typical web-photo sizes: upscale two of them (the work is what matters, not the content).
    base.append(base[1].resize((1024, 683), Image.BICUBIC))
    base.append(base[0].resize((1200, 1600), Image.BICUBIC))
    return base


def pillow_views(img):
    w, h = img.size
    short, long = min(w, h), max(w, h)
    new_long = int(S * long / short)
    rw, rh = (S, new_long) if w <= h else (new_long, S)
    cx, cy = (rw - S) // 2, (rh - S) // 2
    gen = img.resize((rw, rh), Image.BICUBIC).crop((cx, cy, cx + S, cy + S))
    tiles = ref.tiles(img, tile_size=S, min_tiles=1, max_tiles=6, thumbnail=True)
    for t in tiles:
        t.load()
    return gen, tiles


def bench_pillow(imgs, seconds, blobs=None):
    """Views only (imgs already decoded) or, with blobs, decode + views."""
    def one(i):
        im = imgs[i] if blobs is None else Image.open(io.BytesIO(blobs[i])).convert("RGB")
        pillow_views(im)

    for i in range(len(imgs)):
        one(i)
    n, t0 = 0, time.perf_counter()
    while True:
        for i in range(len(imgs)):
            one(i)
            n += 1
        dt = time.perf_counter() - t0
        if dt >= seconds:
            return n / dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "synergen-bench"], cwd=ROOT)
    exe = os.path.join(ROOT, ".build", "release", "synergen-bench")
    imgs = images()
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, im in enumerate(imgs):
            p = os.path.join(tmp, f"img{i}.jpg")  # JPEG q90 4:2:0, as web crawls store photos
            im.save(p, quality=90)
            paths.append(p)
        blobs = [open(p, "rb").read() for p in paths]
        decoded = [Image.open(io.BytesIO(b)).convert("RGB") for b in blobs]
        prefix = ["taskset", "-c", "0"] if shutil_which("taskset") else []
        swift = {}
        for mode, flags in (("views", []), ("decode+views", ["--decode"])):
            out = subprocess.check_output(prefix + [exe, "preprocess", "--json", "--seconds", str(args.seconds), *flags, *paths])
            swift[mode] = json.loads(out)["images_per_s"]
    pil = {"views": bench_pillow(decoded, args.seconds), "decode+views": bench_pillow(decoded, args.seconds, blobs)}
    sizes = ", ".join(f"{im.size[0]}x{im.size[1]}" for im in imgs)
    print(f"images: {sizes} (JPEG q90); S={S}; work: generation crop + s2 tiling (<=6 tiles + thumbnail)")
    print(f"| work          | Pillow {PIL.__version__} img/s | synergen img/s | ratio |")
    print(f"|---------------|--------------------|----------------|-------|")
    for mode in ("views", "decode+views"):
        print(f"| {mode:<13} | {pil[mode]:18.2f} | {swift[mode]:14.2f} | {swift[mode] / pil[mode]:4.2f}x |")


def shutil_which(name):
    import shutil
    return shutil.which(name)


if __name__ == "__main__":
    main()
