#!/usr/bin/env python3
"""Reference tiling for the "understanding" view: InternVL-1.5 dynamic tiling.

This is a re-statement (our own code) of the algorithm in InternVL-Chat-V1-5's
`dynamic_preprocess` / `find_closest_aspect_ratio`, kept faithful in every detail
that can change a decision:

* candidate grids (cols, rows) come from a Python *set* built by iterating
  n in [min, max], cols in [1, n], rows in [1, n] and keeping min <= cols*rows <= max;
  the set is then `sorted` by cols*rows (a stable sort, so grids with equal products keep
  the set's iteration order -- which is CPython's hash-table order);
* the best grid minimises |W/H - cols/rows| computed in floats; on an exactly equal
  difference, a later candidate replaces the current one when W*H > 0.5*S*S*cols*rows;
* the image is resized (bicubic) to (S*cols, S*rows) and cut into tiles row-major;
  an S*S thumbnail of the whole image is added when enabled and more than one tile.

Run as a script it writes the decision fixtures used by the Swift tests:
  tiling_decisions.txt : "W H S min max cols rows thumbnail_flag" per line
  candidate_orders.txt : "min max c1,r1 c2,r2 ..." (the sorted candidate order)
"""
import argparse
import os
import sys


def candidate_grids(min_tiles, max_tiles):
    """Candidate (cols, rows) grids in the exact order the reference iterates them."""
    grids = set(
        (cols, rows)
        for n in range(min_tiles, max_tiles + 1)
        for cols in range(1, n + 1)
        for rows in range(1, n + 1)
        if min_tiles <= cols * rows <= max_tiles
    )
    return sorted(grids, key=lambda g: g[0] * g[1])


def choose_grid(width, height, candidates, tile_size):
    """Closest aspect ratio with the reference's tie rule."""
    aspect = width / height
    best_diff = float("inf")
    best = (1, 1)
    area = width * height
    for cols, rows in candidates:
        diff = abs(aspect - cols / rows)
        if diff < best_diff:
            best_diff = diff
            best = (cols, rows)
        elif diff == best_diff:
            if area > 0.5 * tile_size * tile_size * cols * rows:
                best = (cols, rows)
    return best


def plan(width, height, tile_size=512, min_tiles=1, max_tiles=12, thumbnail=True):
    grid = choose_grid(width, height, candidate_grids(min_tiles, max_tiles), tile_size)
    blocks = grid[0] * grid[1]
    return grid, bool(thumbnail and blocks != 1)


def tiles(image, tile_size=512, min_tiles=1, max_tiles=12, thumbnail=True):
    """PIL images: the tiles (row-major) and the optional thumbnail, as the reference does."""
    from PIL import Image
    w, h = image.size
    (cols, rows), thumb = plan(w, h, tile_size, min_tiles, max_tiles, thumbnail)
    resized = image.resize((tile_size * cols, tile_size * rows), Image.BICUBIC)
    out = []
    for i in range(cols * rows):
        x = (i % cols) * tile_size
        y = (i // cols) * tile_size
        out.append(resized.crop((x, y, x + tile_size, y + tile_size)))
    if thumb:
        out.append(image.resize((tile_size, tile_size), Image.BICUBIC))
    return out


# The configurations compared on the size grid: the three stage presets and a few
# explicit ranges whose equal-product candidates can tie exactly.
CONFIGS = [
    (1, 1, False),   # s1
    (1, 6, True),    # s2
    (1, 12, True),   # sft
    (4, 4, True),
    (2, 8, True),
    (3, 9, True),
    (1, 24, True),
    (6, 12, True),
]


def size_grid():
    """Every W, H on a 16..4096 grid (step 48, plus powers of two and odd sizes)
    with aspect ratio between 1:20 and 20:1, plus exact-tie shapes."""
    values = sorted(set(list(range(16, 4097, 48)) + [2 ** k for k in range(4, 13)]
                        + [17, 33, 100, 333, 511, 513, 777, 1023, 1025, 2731, 4095]))
    sizes = []
    for w in values:
        for h in values:
            if 20 * w >= h and 20 * h >= w:
                sizes.append((w, h))
    # Midpoints between candidate ratios give exact float ties; add them at many scales.
    ties = [(5, 2), (2, 5), (3, 2), (2, 3), (7, 4), (4, 7), (5, 4), (4, 5), (7, 2), (2, 7),
            (9, 4), (4, 9), (5, 3), (3, 5), (11, 4), (4, 11), (17, 12), (12, 17), (13, 2), (2, 13)]
    for a, b in ties:
        for m in (8, 16, 64, 100, 128, 200, 256, 300, 512, 700):
            w, h = a * m, b * m
            if w <= 4096 and h <= 4096:
                sizes.append((w, h))
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    n = 0
    with open(os.path.join(args.out, "tiling_decisions.txt"), "w") as f:
        for tile_size in (512, 448):
            for mn, mx, th in CONFIGS:
                cands = candidate_grids(mn, mx)
                for w, h in size_grid():
                    cols, rows = choose_grid(w, h, cands, tile_size)
                    thumb = int(th and cols * rows != 1)
                    f.write(f"{w} {h} {tile_size} {mn} {mx} {int(th)} {cols} {rows} {thumb}\n")
                    n += 1
    with open(os.path.join(args.out, "candidate_orders.txt"), "w") as f:
        for mn in range(1, 13):
            for mx in range(mn, 41):
                order = " ".join(f"{c},{r}" for c, r in candidate_grids(mn, mx))
                f.write(f"{mn} {mx} {order}\n")
    print(f"internvl_reference: wrote {n} tiling decisions to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
