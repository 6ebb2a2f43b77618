#!/usr/bin/env python3
"""VQ encoder speed: the Swift encoder (`synergen-bench vq encode`) beside PyTorch CPU running the
identical encoder (scripts/vq_reference.py, same config, random weights, same thread count), plus
the machine's sgemm peak (`synergen-bench vq sgemm`), printed as one table.

    swift build -c release
    python3 scripts/bench_vq.py                       # llamagen-vq16 and emu3 at 256 and 512
    python3 scripts/bench_vq.py --cases llamagen-vq16:256 --runs 3

For Emu3 both sides run the 2-D encoder once and the temporal tail on the repeated frames; the
reference `encode()` runs the 2-D encoder on all 4 frames (its time is ~4× the column shown).
Emu3 at 512 px is run once (no warm-up) on both sides.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vq_reference import VQModel, config  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BENCH = os.path.join(ROOT, ".build", "release", "synergen-bench")


def swift(args):
    out = subprocess.run([BENCH, "vq"] + args, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


class Emu3OneFrame(torch.nn.Module):
    """The Emu3 encoder with the 2-D body run once for a still image (what the Swift side does)."""

    def __init__(self, model):
        super().__init__()
        self.m = model

    def forward(self, x):
        enc, cfg = self.m.encoder, self.m.cfg
        h = enc.body(x)
        t = cfg["temporal_downsample"]
        h = h.unsqueeze(2).repeat(1, 1, t, 1, 1)  # [N, z, T, h, w]
        for conv in enc.time_conv:
            h = torch.nn.functional.silu(conv(h))
        h = enc.time_res_stack(h)
        z = self.m.quant_conv(h)[:, :, -1]
        n, d, hh, ww = z.shape
        return self.m.quantize(z.permute(0, 2, 3, 1).reshape(-1, d))


def torch_seconds(preset, size, runs, warmup):
    cfg = config(preset)
    model = VQModel(cfg).eval()
    fn = Emu3OneFrame(model) if cfg["family"] == "emu3" else (lambda x: model.encode(x)[1])
    x = torch.rand(1, 3, size, size) * 2 - 1
    times = []
    with torch.no_grad():
        for r in range(runs + (1 if warmup else 0)):
            t = time.perf_counter()
            fn(x)
            dt = time.perf_counter() - t
            if r > 0 or not warmup:
                times.append(dt)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="llamagen-vq16:256,llamagen-vq16:512,emu3:256,emu3:512")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    peak = [r for r in swift(["sgemm", "--threads", str(args.threads)]) if r["kind"] == "sgemm_peak"][0]["gflops"]
    rows = []
    for case in args.cases.split(","):
        preset, size = case.split(":")
        size = int(size)
        once = preset == "emu3" and size >= 512
        runs = 1 if once else args.runs
        flags = ["encode", "--preset", preset, "--size", str(size), "--runs", str(runs), "--threads", str(args.threads)]
        if once:
            flags.append("--no-warmup")
        s = swift(flags)[0]
        t = torch_seconds(preset, size, runs, warmup=not once)
        rows.append((preset, size, s["seconds_per_view"], s["gflops"], s["executed_gflops"],
                     100 * s["executed_gflops"] / peak, s["gflop_per_view"], t, s["gflop_per_view"] / t,
                     t / s["seconds_per_view"]))
        print(f"# {preset} {size}: swift {s['seconds_per_view']:.2f} s, torch {t:.2f} s", file=sys.stderr, flush=True)
    print(f"threads {args.threads}, sgemm peak {peak:.0f} GFLOP/s (best of conv-shaped products), torch {torch.__version__}")
    print("GFLOP/s = the model's FLOPs (direct convolutions) per second; 'run GFLOP/s' = the matrix products"
          " the Swift encoder really runs (Winograd 3x3 convolutions do a quarter of the multiply-adds),"
          " and '% peak' is that rate over the sgemm peak.")
    print(f"{'preset':<15}{'px':>5}{'GFLOP':>8}{'swift s':>9}{'GFLOP/s':>9}{'run GFLOP/s':>12}{'% peak':>8}"
          f"{'torch s':>9}{'GFLOP/s':>9}{'torch/swift':>12}")
    for p, sz, ss, sg, se, pp, gf, ts, tg, ratio in rows:
        print(f"{p:<15}{sz:>5}{gf:>8.0f}{ss:>9.2f}{sg:>9.0f}{se:>12.0f}{pp:>7.0f}%{ts:>9.2f}{tg:>9.0f}{ratio:>11.2f}×")


if __name__ == "__main__":
    main()
