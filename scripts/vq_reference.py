"""PyTorch reimplementations of the three VQGAN encoder families, written for this repo from
the reference repositories' module structure and checkpoint key names (Emu3
`emu3/tokenizer/modeling_emu3visionvq.py`, LlamaGen `tokenizer/tokenizer_image/vq_model.py`,
Chameleon/Anole VQGAN). Used by make_vq_fixtures.py and bench_vq.py. Encoder halves only.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

PRESETS = {
    "emu3": dict(family="emu3", ch=256, ch_mult=[1, 2, 2, 4], num_res_blocks=2, attn_levels=[3],
                 z_channels=4, code_dim=4, codebook_size=32768, temporal_downsample=4),
    "llamagen-vq16": dict(family="llamagen", ch=128, ch_mult=[1, 1, 2, 2, 4], num_res_blocks=2, attn_levels=[4],
                          z_channels=256, code_dim=8, codebook_size=16384, temporal_downsample=1),
    "llamagen-vq8": dict(family="llamagen", ch=128, ch_mult=[1, 2, 2, 4], num_res_blocks=2, attn_levels=[3],
                         z_channels=256, code_dim=8, codebook_size=16384, temporal_downsample=1),
    "chameleon": dict(family="chameleon", ch=128, ch_mult=[1, 1, 2, 2, 4], num_res_blocks=2, attn_levels=[],
                      z_channels=256, code_dim=256, codebook_size=8192, temporal_downsample=1),
}


def group_norm(c):
    return nn.GroupNorm(num_groups=32, num_channels=c, eps=1e-6, affine=True)


def swish(x):
    return x * torch.sigmoid(x)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = group_norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2 = group_norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        if cin != cout:
            self.nin_shortcut = nn.Conv2d(cin, cout, 1, 1, 0)
        self.cin, self.cout = cin, cout

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        if self.cin != self.cout:
            x = self.nin_shortcut(x)
        return x + h


class Attn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = group_norm(c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        n = self.norm(x)
        q, k, v = self.q(n), self.k(n), self.v(n)
        b, c, hh, ww = q.shape
        q = q.reshape(b, c, hh * ww).permute(0, 2, 1)
        k = k.reshape(b, c, hh * ww)
        w = torch.bmm(q, k) * (c ** -0.5)
        w = F.softmax(w, dim=2)
        out = torch.bmm(v.reshape(b, c, hh * ww), w.permute(0, 2, 1)).reshape(b, c, hh, ww)
        return x + self.proj_out(out)


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1), mode="constant", value=0))


class Encoder2D(nn.Module):
    """Taming-style keys (Emu3, Chameleon): down.{i}.block/attn/downsample, mid.block_1/attn_1/block_2;
    LlamaGen keys with llamagen=True: conv_blocks.{i}.res/attn/downsample, mid.{0,1,2}."""

    def __init__(self, cfg, llamagen=False):
        super().__init__()
        ch, mult = cfg["ch"], cfg["ch_mult"]
        self.llamagen = llamagen
        self.conv_in = nn.Conv2d(3, ch, 3, 1, 1)
        levels = nn.ModuleList()
        block_in = ch
        for i, m in enumerate(mult):
            level = nn.Module()
            blocks, attns = nn.ModuleList(), nn.ModuleList()
            for _ in range(cfg["num_res_blocks"]):
                blocks.append(ResBlock(block_in, ch * m))
                block_in = ch * m
                if i in cfg["attn_levels"]:
                    attns.append(Attn(block_in))
            if llamagen:
                level.res = blocks
            else:
                level.block = blocks
            level.attn = attns
            if i != len(mult) - 1:
                level.downsample = Down(block_in)
            levels.append(level)
        if llamagen:
            self.conv_blocks = levels
            self.mid = nn.ModuleList([ResBlock(block_in, block_in), Attn(block_in), ResBlock(block_in, block_in)])
        else:
            self.down = levels
            self.mid = nn.Module()
            self.mid.block_1 = ResBlock(block_in, block_in)
            self.mid.attn_1 = Attn(block_in)
            self.mid.block_2 = ResBlock(block_in, block_in)
        self.norm_out = group_norm(block_in)
        self.conv_out = nn.Conv2d(block_in, cfg["z_channels"], 3, 1, 1)

    def body(self, x):
        h = self.conv_in(x)
        for i, level in enumerate(self.conv_blocks if self.llamagen else self.down):
            blocks = level.res if self.llamagen else level.block
            for j, blk in enumerate(blocks):
                h = blk(h)
                if len(level.attn) > 0:
                    h = level.attn[j](h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        if self.llamagen:
            for m in self.mid:
                h = m(h)
        else:
            h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        return self.conv_out(swish(self.norm_out(h)))


class CausalConv3d(nn.Module):
    """Zero-pads time by 2 frames in front, space by (k - stride) split left-heavy; key `.conv`."""

    def __init__(self, cin, cout, kernel=(3, 1, 1), stride=(1, 1, 1)):
        super().__init__()
        if isinstance(kernel, int):
            kernel = (kernel,) * 3
        if isinstance(stride, int):
            stride = (stride,) * 3
        pad = []
        for k, s in reversed(list(zip(kernel[1:], stride[1:]))):
            p = k - s
            pad += [p // 2 + p % 2, p // 2]
        self.padding = tuple(pad) + (2, 0)
        self.conv = nn.Conv3d(cin, cout, kernel, stride=stride)

    def forward(self, x):
        return self.conv(F.pad(x, self.padding))


class TimeDown(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = CausalConv3d(c, c, (4, 3, 3), (2, 1, 1))

    def forward(self, x):
        return self.conv(x)


class TimeResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1 = nn.BatchNorm3d(c)
        self.conv1 = CausalConv3d(c, c, 3, 1)
        self.norm2 = nn.BatchNorm3d(c)
        self.conv2 = CausalConv3d(c, c, 3, 1)

    def forward(self, x):
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        return x + h


class Emu3Encoder(Encoder2D):
    def __init__(self, cfg):
        super().__init__(cfg, llamagen=False)
        z = cfg["z_channels"]
        self.time_conv = nn.ModuleList([TimeDown(z) for _ in range(int(math.log2(cfg["temporal_downsample"])))])
        self.time_res_stack = nn.Sequential(*[TimeResBlock(z) for _ in range(cfg["num_res_blocks"])])

    def forward(self, x):  # x: [b, t, c, h, w], every frame through the 2-D body as the reference does
        t = x.shape[1]
        h = self.body(x.reshape(-1, *x.shape[2:]))
        h = h.reshape(-1, t, *h.shape[1:]).permute(0, 2, 1, 3, 4)
        for conv in self.time_conv:
            h = swish(conv(h))
        h = self.time_res_stack(h)
        return h.permute(0, 2, 1, 3, 4)


class Quantizer(nn.Module):
    def __init__(self, n, d, normalize):
        super().__init__()
        self.embedding = nn.Embedding(n, d)
        self.normalize = normalize

    def forward(self, z):  # z: [P, D]
        e = self.embedding.weight
        if self.normalize:
            z = F.normalize(z, p=2, dim=-1)
            e = F.normalize(e, p=2, dim=-1)
        d = torch.sum(z ** 2, dim=1, keepdim=True) + torch.sum(e ** 2, dim=1) - 2 * torch.einsum("bd,dn->bn", z, e.t())
        return torch.argmin(d, dim=1)


class VQModel(nn.Module):
    """encoder + quant_conv + quantize.embedding for any family; `encode` returns (latents, codes)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        fam = cfg["family"]
        if fam == "emu3":
            self.encoder = Emu3Encoder(cfg)
            self.quant_conv = CausalConv3d(cfg["z_channels"], cfg["code_dim"])
        else:
            self.encoder = Encoder2D(cfg, llamagen=(fam == "llamagen"))
            self.quant_conv = nn.Conv2d(cfg["z_channels"], cfg["code_dim"], 1)
        self.quantize = Quantizer(cfg["codebook_size"], cfg["code_dim"], normalize=(fam == "llamagen"))

    def latents(self, x):  # x: [N, 3, S, S] → [N, D, h, w]
        if self.cfg["family"] == "emu3":
            t = self.cfg["temporal_downsample"]
            frames = x.unsqueeze(1).repeat(1, t, 1, 1, 1)
            h = self.encoder(frames).permute(0, 2, 1, 3, 4)
            h = self.quant_conv(h).permute(0, 2, 1, 3, 4)  # [N, 1, D, h, w]
            return h[:, -1]
        return self.quant_conv(self.encoder.body(x))

    def encode(self, x):
        z = self.latents(x)
        n, d, hh, ww = z.shape
        codes = self.quantize(z.permute(0, 2, 3, 1).reshape(-1, d)).reshape(n, hh, ww)
        return z, codes


def config(preset, **overrides):
    cfg = dict(PRESETS[preset])
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    return cfg
