#!/usr/bin/env python3
"""How much DCT-domain downscaling changes the views (and how much time it saves): real photos from
the scikit-image wheel, resized to large web sizes and saved as JPEG q90, run through
`synergen-bench dct-views` (views from a full decode vs from a reduced decode), one table.

    python3 scripts/measure_dct_downscale.py [--stage s2]
"""
import argparse
import json
import os
import subprocess
import tempfile

import skimage
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", default="s2")
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "synergen-bench"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build", "release", "synergen-bench")
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, size in [("astronaut.png", (1024, 1024)), ("coffee.png", (1600, 1067)), ("chelsea.png", (2048, 1362)),
                           ("rocket.jpg", (1200, 1800)), ("motorcycle_left.png", (3000, 2000)), ("coffee.png", (4096, 2731))]:
            path = os.path.join(folder, f"{os.path.splitext(name)[0]}_{size[0]}x{size[1]}.jpg")
            Image.open(os.path.join(data, name)).convert("RGB").resize(size, Image.Resampling.BICUBIC).save(path, quality=90)
            paths.append(path)
        out = subprocess.run([binary, "dct-views", "--stage", args.stage, *paths], check=True, capture_output=True, text=True).stdout
    print(f"stage {args.stage}, S=512, JPEG q90; views from a DCT-scaled decode vs the Pillow-exact views")
    print(f"{'image':<28} {'scale':>5} {'gen same':>9} {'gen max':>8} {'gen mean':>9} {'und same':>9} {'und max':>8} {'und mean':>9} {'time full/scaled':>17}")
    for line in out.splitlines():
        r = json.loads(line)
        g, u = r["generation"], r["understanding"]
        print(f"{os.path.basename(r['file']):<28} {r['scale']:>5} {100 * g['identical']:>8.1f}% {g['max_diff']:>8} {g['mean_abs_diff']:>9.2f} "
              f"{100 * u['identical']:>8.1f}% {u['max_diff']:>8} {u['mean_abs_diff']:>9.2f} {1000 * r['full_s']:>7.0f}/{1000 * r['scaled_s']:<6.0f}ms")


if __name__ == "__main__":
    main()
