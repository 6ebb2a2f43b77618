#!/usr/bin/env python3
"""Converts a LlamaGen VQ checkpoint (torch pickle, weights under the "model" key, e.g.
vq_ds16_c2i.pt) to safetensors for `synergen-prep vq encode --preset llamagen-vq16`.
Keys are kept as they are (`encoder.conv_blocks.*`, `quant_conv.*`, `quantize.embedding.weight`,
decoder included; the reader ignores what the encoder does not use). Float tensors keep their
dtype unless --dtype is given.

    python3 scripts/convert_llamagen_checkpoint.py vq_ds16_c2i.pt vq_ds16_c2i.safetensors [--encoder-only] [--dtype f16]
"""
import argparse

import torch
from safetensors.torch import save_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--encoder-only", action="store_true", help="keep encoder.*, quant_conv.*, quantize.* only")
    ap.add_argument("--dtype", choices=["f32", "f16", "bf16"], help="store float tensors in this dtype")
    args = ap.parse_args()
    ckpt = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    state = ckpt.get("model", ckpt.get("state_dict", ckpt)) if isinstance(ckpt, dict) else ckpt
    dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}.get(args.dtype)
    out = {}
    for k, v in state.items():
        if not torch.is_tensor(v):
            continue
        k = k[len("module."):] if k.startswith("module.") else k
        if args.encoder_only and not k.startswith(("encoder.", "quant_conv.", "quantize.")):
            continue
        if dtype is not None and v.is_floating_point():
            v = v.to(dtype)
        out[k] = v.contiguous()
    if "quantize.embedding.weight" not in out:
        raise SystemExit("no quantize.embedding.weight: not a LlamaGen VQ checkpoint?")
    save_file(out, args.out, metadata={"format": "pt", "source": args.checkpoint})
    print(f"wrote {len(out)} tensors to {args.out}")


if __name__ == "__main__":
    main()
