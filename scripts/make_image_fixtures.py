#!/usr/bin/env python3
"""Generate the image fixtures for the Swift tests (Tests/Fixtures/generated/image/).

Writes raw RGB bytes (no decoder needed in Swift) plus small JSON manifests:
  inputs/<name>.rgb        crops (<= 256 px) of real photos from scikit-image and matplotlib
  resample/<case>.rgb      Pillow `Image.resize` output for each (input, size, filter)
  resample_cases.json      [{input, in_w, in_h, out_w, out_h, filter, expected}]
  views/<case>_*.rgb       generation crop / tiles / thumbnail made with Pillow + the
                           InternVL reference (small tile side so the debug tests stay fast)
  views_cases.json         [{input, size, min, max, thumbnail, grid, gen_resized, gen_crop, files}]
and then runs scripts/internvl_reference.py for the tiling decision fixtures.
"""
import json
import os
import subprocess
import sys

try:
    import numpy as np
    from PIL import Image
    import skimage
    import matplotlib
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_image_fixtures: missing Python package ({e}). "
             "Run: pip install pillow numpy scikit-image matplotlib")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import internvl_reference as ref  # noqa: E402

FILTERS = {"box": Image.BOX, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}


def photo(path):
    return Image.open(path).convert("RGB")


def sources():
    sk = os.path.join(os.path.dirname(skimage.__file__), "data")
    mpl = os.path.join(matplotlib.get_data_path(), "sample_data")
    ast = photo(os.path.join(sk, "astronaut.png"))      # 512x512
    cof = photo(os.path.join(sk, "coffee.png"))         # 600x400
    che = photo(os.path.join(sk, "chelsea.png"))        # 451x300
    gh = photo(os.path.join(mpl, "grace_hopper.jpg"))   # 512x600
    return {
        "astronaut_256x200": ast.crop((130, 20, 386, 220)),
        "coffee_160x240": cof.crop((200, 60, 360, 300)),
        "chelsea_120x90": che.crop((150, 60, 270, 150)),
        "gracehopper_97x128": gh.crop((200, 150, 297, 278)),
        "tiny_7x5": che.crop((200, 100, 207, 105)),
    }


def sizes_for(w, h):
    """Output sizes: many non-integer ratios up and down, independent per axis, 1-px outputs."""
    big = max(w, h) <= 128  # only small inputs get the large upscales (debug test time)
    ratios = [(0.13, 0.13), (0.25, 0.5), (0.31, 0.77), (0.5, 0.5), (0.61, 0.61), (0.77, 1.0),
              (1.0, 0.43), (0.9, 1.1), (1.3, 1.3), (1.5, 0.8), (2.0, 2.0)]
    if big:
        ratios += [(2.71, 1.9), (3.7, 3.7), (3.7, 0.2)]
    out = []
    for rx, ry in ratios:
        out.append((max(1, round(w * rx)), max(1, round(h * ry))))
    out += [(1, 1), (1, h), (w, 1), (w + 1, h - 1 if h > 1 else 2), (3, 2)]
    seen, uniq = set(), []
    for s in out:
        if s not in seen:
            seen.add(s)
            uniq.append(s)
    return uniq


def raw(img):
    return np.asarray(img.convert("RGB"), dtype=np.uint8).tobytes()


def main():
    root = os.path.abspath(os.path.join(HERE, "..", "Tests", "Fixtures", "generated", "image"))
    for sub in ("inputs", "resample", "views"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    srcs = sources()
    cases = []
    for name, img in srcs.items():
        with open(os.path.join(root, "inputs", name + ".rgb"), "wb") as f:
            f.write(raw(img))
        w, h = img.size
        for fname, fconst in FILTERS.items():
            for ow, oh in sizes_for(w, h):
                case = f"{name}_{fname}_{ow}x{oh}"
                out = img.resize((ow, oh), fconst)
                with open(os.path.join(root, "resample", case + ".rgb"), "wb") as f:
                    f.write(raw(out))
                cases.append({"input": name, "in_w": w, "in_h": h, "out_w": ow, "out_h": oh,
                              "filter": fname, "expected": case})
    # Pass-order boundary (Pillow >= 13 runs the vertical pass first when
    # in_h - out_h > 2 * (in_w - out_w)): sizes on both sides of the rule, and the tie.
    name = "chelsea_120x90"
    img = srcs[name]
    for ow, oh in [(100, 49), (100, 50), (100, 51), (119, 80), (90, 20), (89, 29), (130, 60), (60, 5)]:
        for fname in ("bicubic", "lanczos"):
            case = f"{name}_{fname}_{ow}x{oh}_order"
            with open(os.path.join(root, "resample", case + ".rgb"), "wb") as f:
                f.write(raw(img.resize((ow, oh), FILTERS[fname])))
            cases.append({"input": name, "in_w": 120, "in_h": 90, "out_w": ow, "out_h": oh,
                          "filter": fname, "expected": case})
    import PIL
    with open(os.path.join(root, "resample_cases.json"), "w") as f:
        json.dump({"pillow_version": PIL.__version__, "cases": cases}, f, indent=0)

    # Views: generation crop (torchvision rounding, floor offset) + InternVL tiles, small S.
    views = []
    configs = [(32, 1, 6, True), (24, 1, 12, True), (40, 1, 1, False), (16, 4, 4, True)]
    for name in ("astronaut_256x200", "coffee_160x240", "chelsea_120x90", "tiny_7x5"):
        img = srcs[name]
        w, h = img.size
        for s, mn, mx, th in configs:
            tag = f"{name}_s{s}_{mn}-{mx}_{int(th)}"
            short, long = min(w, h), max(w, h)
            new_long = int(s * long / short)
            rw, rh = (s, new_long) if w <= h else (new_long, s)
            cx, cy = (rw - s) // 2, (rh - s) // 2
            gen = img.resize((rw, rh), Image.BICUBIC).crop((cx, cy, cx + s, cy + s))
            files = [tag + "_gen"]
            with open(os.path.join(root, "views", tag + "_gen.rgb"), "wb") as f:
                f.write(raw(gen))
            parts = ref.tiles(img, tile_size=s, min_tiles=mn, max_tiles=mx, thumbnail=th)
            for i, p in enumerate(parts):
                files.append(f"{tag}_{i}")
                with open(os.path.join(root, "views", f"{tag}_{i}.rgb"), "wb") as f:
                    f.write(raw(p))
            grid, thumb = ref.plan(w, h, s, mn, mx, th)
            views.append({"input": name, "in_w": w, "in_h": h, "size": s, "min": mn, "max": mx,
                          "thumbnail": th, "grid": list(grid), "has_thumbnail": thumb,
                          "gen_resized": [rw, rh], "gen_crop": [cx, cy, s, s], "files": files})
    with open(os.path.join(root, "views_cases.json"), "w") as f:
        json.dump(views, f, indent=0)
    print(f"make_image_fixtures: {len(cases)} resample cases, {len(views)} view cases in {root}",
          file=sys.stderr)
    subprocess.check_call([sys.executable, os.path.join(HERE, "internvl_reference.py"), "--out", root])


if __name__ == "__main__":
    main()
