#!/usr/bin/env python3
"""Builds the VQ parity fixtures under Tests/Fixtures/vq/ with the PyTorch reference encoders in
vq_reference.py: for each family a small random-weight config, its weights as safetensors (in the
checkpoint's key names; F16/BF16 storage, and the reference computes with exactly the stored
values), two input images (uint8), and the expected codes and pre-quantisation latents.

    pip install --no-deps /opt/wheels/torch-*.whl typing-extensions filelock sympy networkx jinja2 fsspec
    pip install safetensors numpy
    python3 scripts/make_vq_fixtures.py
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.numpy import save_file
from safetensors.torch import save_file as save_torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vq_reference import VQModel, config  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "vq")

# name: (preset, overrides, image size, storage dtype, key prefix in the file)
CASES = {
    "emu3": ("emu3", dict(ch=32, ch_mult=[1, 1, 1], num_res_blocks=2, attn_levels=[2], codebook_size=512),
             64, torch.float16, ""),
    "llamagen": ("llamagen-vq16", dict(ch=32, ch_mult=[1, 2], num_res_blocks=1, attn_levels=[1], z_channels=32,
                                       codebook_size=256), 80, torch.bfloat16, ""),
    "chameleon": ("chameleon", dict(ch=32, ch_mult=[1, 1, 1], num_res_blocks=1, z_channels=32, code_dim=16,
                                    codebook_size=256), 64, torch.float16, "model.vqmodel."),
}


def randomize(model, gen):
    """Non-trivial norms, biases and BatchNorm running stats (defaults would be 1/0)."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (torch.nn.GroupNorm, torch.nn.BatchNorm3d)):
                m.weight.copy_(1 + 0.2 * (2 * torch.rand(m.weight.shape, generator=gen) - 1))
                m.bias.copy_(0.1 * (2 * torch.rand(m.bias.shape, generator=gen) - 1))
            if isinstance(m, torch.nn.BatchNorm3d):
                m.running_mean.copy_(0.1 * (2 * torch.rand(m.running_mean.shape, generator=gen) - 1))
                m.running_var.copy_(0.5 + torch.rand(m.running_var.shape, generator=gen))
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Conv3d)) and m.bias is not None:
                m.bias.copy_(0.1 * (2 * torch.rand(m.bias.shape, generator=gen) - 1))


def fit_codebook(model, x, gen):
    """A codebook drawn in the latents' range (per-dimension mean ± std of the latents of `x`), so
    that many different codes are used and the lookup has close competitors."""
    cfg = model.cfg
    with torch.no_grad():
        z = model.latents(x)
        zs = z.permute(0, 2, 3, 1).reshape(-1, cfg["code_dim"])
        e = zs.mean(0) + zs.std(0) * torch.randn(cfg["codebook_size"], cfg["code_dim"], generator=gen)
        model.quantize.embedding.weight.copy_(e)


def images(n, size, gen):
    """Smooth colour gradients plus noise, as uint8 [N, 3, S, S]."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    out = []
    for _ in range(n):
        a = torch.rand(3, 3, generator=gen)
        img = a[:, 0:1, None] * xx + a[:, 1:2, None] * yy + a[:, 2:3, None] * (xx * yy)
        img = img / img.amax().clamp(min=1e-6) * 200 + 40 * torch.rand(3, size, size, generator=gen)
        out.append(img.clamp(0, 255).round().to(torch.uint8))
    return torch.stack(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    for name, (preset, overrides, size, dtype, prefix) in CASES.items():
        gen = torch.Generator().manual_seed(1234)
        torch.manual_seed(1234)
        cfg = config(preset, **overrides)
        model = VQModel(cfg).eval()
        randomize(model, gen)
        pixels_u8 = images(2, size, gen)
        x = (pixels_u8.float() / 255 - 0.5) / 0.5
        fit_codebook(model, x, gen)
        with torch.no_grad():
            # Store, then compute with exactly the stored values.
            state = {prefix + k: v.to(dtype) if v.is_floating_point() else v for k, v in model.state_dict().items()}
            model.load_state_dict({k[len(prefix):]: v.float() if v.is_floating_point() else v for k, v in state.items()})
            z, codes = model.encode(x)
        meta = {"config": json.dumps(dict(preset=preset, **overrides)), "size": str(size)}
        save_torch({k: v.contiguous() for k, v in state.items()}, os.path.join(OUT, f"{name}.weights.safetensors"),
                   metadata={"format": "pt"})
        save_file({"input_u8": pixels_u8.numpy(), "codes": codes.to(torch.int32).numpy(),
                   "latents": z.float().numpy()}, os.path.join(OUT, f"{name}.expected.safetensors"), metadata=meta)
        used = len(set(codes.flatten().tolist()))
        print(f"{name}: {sum(v.numel() for v in state.values())} params, input {tuple(x.shape)}, "
              f"grid {tuple(codes.shape[1:])}, {used} distinct codes")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"fixtures: {total / 1e6:.2f} MB in {OUT}")


if __name__ == "__main__":
    main()
