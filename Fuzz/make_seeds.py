#!/usr/bin/env python3
"""Writes the committed seed corpora under Fuzz/corpus/<target>/ (a few small files each).

    python3 Fuzz/make_seeds.py [FIXTURES]

FIXTURES is the generated test-fixture folder (default Tests/Fixtures/generated, made by
`make test-fixtures` / `make test`); the tokenizer, safetensors, tokenized-shard and packed-shard
seeds are cut down from files there (text/*/tokenizer.json, pack/tiny.safetensors,
pack/tokenized/*.tok.zst, pack/packed/*.pack). Images and tars are made here with Pillow and
tarfile. Deterministic: the same fixtures give the same bytes (JPEG/PNG bytes follow Pillow's
encoders).
"""
import gzip
import io
import json
import os
import struct
import sys
import tarfile

import zstandard
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tests/Fixtures/generated")
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def image(mode, size=(12, 8)):
    """A small gradient with some structure, in `mode`."""
    w, h = size
    im = Image.new("RGB", size)
    im.putdata([((x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1), ((x ^ y) * 37) % 256)
                for y in range(h) for x in range(w)])
    if mode == "RGBA":
        im = im.convert("RGBA")
        im.putalpha(Image.new("L", size, 128))
    elif mode != "RGB":
        im = im.convert(mode)
    return im


def encoded(im, fmt, **kw):
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def exif_orientation(value):
    ex = Image.Exif()
    ex[0x0112] = value
    return ex.tobytes()


# --- manifests ------------------------------------------------------------------------------
def manifests():
    put("FuzzManifest", "demo.txt", open(os.path.join(ROOT, "manifests/demo.txt")).read())
    put("FuzzManifest", "ranges.txt",
        "# LAION shards\n\nlaion-{000000..000009}.tar\nrel/../x/{a,b,c}-{9..7}.tgz\n"
        "/abs/./p-{0001..0003}.tar.zst\nfile:local/f.tar.gz\n  spaced.tar.xz  \nlit{x}.tar.bz2\n")
    put("FuzzManifest", "pipes.txt",
        "pipe:aws s3 cp s3://bucket/laion-{000000..000003}.tar -\npipe:curl -fsSL https://h/x.tar\n"
        "pipe:gsutil cat gs://b/{a,b}.tar\n")
    put("FuzzManifest", "errors.txt", "s3://bucket/x.tar\nbad-{1..2.tar\nx}.tar\nn{a{b}}.tar\nnot-a-tar.zip\npipe:\n")


# --- tar shards -----------------------------------------------------------------------------
def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    raw = out.getvalue()
    # Keep the two zero end-of-archive blocks but not tarfile's padding to a 10 KiB record.
    end = len(raw.rstrip(b"\0"))
    return raw[:min(len(raw), (end + 511) // 512 * 512 + 1024)]


def tars():
    jpg = encoded(image("RGB", (8, 8)), "JPEG", quality=50)
    png = encoded(image("RGB", (4, 4)), "PNG")
    good = tar_bytes([("s/000.jpg", jpg), ("s/000.txt", b"a red square"),
                      ("s/001.png", png), ("s/001.json", b'{"caption": "a blue ring", "w": 4}'),
                      ("s/002.seg.JPG", jpg), ("s/002.caption", b"  spaced  ")])
    put("FuzzTar", "good.tar", good)
    put("FuzzTar", "good.tar.gz", gzip.compress(good, mtime=0))
    put("FuzzTar", "edge.tar", tar_bytes([
        ("__key__", b"meta"), ("__dir__/x.txt", b"m"), ("noext", b"x"), ("a.b/.hidden.txt", b"h"),
        ("k.txt", b"one"), ("k.txt", b"dup ext"), ("j.jpg", b"\xff\xd8\xff"), ("k.jpg", b"later key"),
        ("e.txt", b""), ("e.jpg", b"x"), ("t.json", b'{"text": 5}')], fmt=tarfile.GNU_FORMAT))
    put("FuzzTar", "pax.tar", tar_bytes([("p/" + "l" * 120 + ".txt", b"long name"),
                                         ("p/" + "l" * 120 + ".png", png)], fmt=tarfile.PAX_FORMAT))
    put("FuzzTar", "truncated.tar", good[:1300])


# --- images ---------------------------------------------------------------------------------
def jpegs():
    rgb = image("RGB")
    put("FuzzJPEG", "baseline420.jpg", encoded(rgb, "JPEG", quality=60, subsampling=2))
    put("FuzzJPEG", "baseline444.jpg", encoded(rgb, "JPEG", quality=60, subsampling=0))
    put("FuzzJPEG", "progressive.jpg", encoded(rgb, "JPEG", quality=60, progressive=True))
    put("FuzzJPEG", "gray.jpg", encoded(image("L"), "JPEG", quality=60))
    put("FuzzJPEG", "cmyk.jpg", encoded(image("CMYK"), "JPEG", quality=60))
    put("FuzzJPEG", "exif6.jpg", encoded(image("RGB", (16, 8)), "JPEG", quality=60, exif=exif_orientation(6)))
    put("FuzzJPEG", "exif3_be.jpg", encoded(image("RGB", (8, 16)), "JPEG", quality=60,
                                            exif=b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x03\0\0\0\0\0\0"))
    put("FuzzJPEG", "restart.jpg", encoded(image("RGB", (24, 24)), "JPEG", quality=40, restart_marker_blocks=1))
    base = encoded(rgb, "JPEG", quality=60)
    put("FuzzJPEG", "truncated.jpg", base[: len(base) * 2 // 3])


def pngs():
    rgb = image("RGB")
    put("FuzzPNG", "rgb8.png", encoded(rgb, "PNG"))
    put("FuzzPNG", "rgba8.png", encoded(image("RGBA"), "PNG"))
    put("FuzzPNG", "gray1.png", encoded(image("1"), "PNG"))
    put("FuzzPNG", "gray16.png", encoded(image("L").convert("I;16"), "PNG"))
    put("FuzzPNG", "gray_alpha.png", encoded(image("LA"), "PNG"))
    put("FuzzPNG", "palette4_trns.png", encoded(image("RGB").quantize(12), "PNG", bits=4, transparency=3))
    put("FuzzPNG", "rgb_trns.png", encoded(rgb, "PNG", transparency=(0, 0, 0)))
    put("FuzzPNG", "interlaced.png", interlaced_png(rgb))
    put("FuzzPNG", "exif6.png", encoded(image("RGB", (16, 8)), "PNG", exif=exif_orientation(6)))
    put("FuzzPNG", "rgba16.png", rgba16_png())
    base = encoded(rgb, "PNG")
    put("FuzzPNG", "truncated.png", base[: len(base) // 2])


def png_chunk(kind, data):
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_file(width, height, bit_depth, color_type, raw, interlace=0, extra=b""):
    import zlib
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def interlaced_png(im):
    """Adam7, 8-bit RGB, written by hand (Pillow does not write interlaced PNGs)."""
    w, h = im.size
    px = im.load()
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        for y in range(y0, h, dy):
            if len(xs):
                raw += b"\0" + b"".join(bytes(px[x, y]) for x in xs)
    return png_file(w, h, 8, 2, raw, interlace=1)


def rgba16_png():
    w, h = 5, 3
    raw = b"".join(b"\0" + b"".join(struct.pack(">HHHH", x * 9000, y * 20000, 65535 - x * 7000, 30000 + y * 10000)
                                    for x in range(w)) for y in range(h))
    return png_file(w, h, 16, 6, raw)


# --- tokenizer.json -------------------------------------------------------------------------
def shrink_tokenizer(path, keep_ids):
    t = json.load(open(path))
    vocab = {k: v for k, v in t["model"]["vocab"].items() if keep_ids(v)}
    prefix = t["model"].get("continuing_subword_prefix") or ""
    merges = []
    for m in t["model"]["merges"]:
        a, b = m.split(" ", 1) if isinstance(m, str) else m
        joined = a + (b[len(prefix):] if prefix and b.startswith(prefix) else b)
        if a in vocab and b in vocab and joined in vocab:
            merges.append(m)
    t["model"]["vocab"] = vocab
    t["model"]["merges"] = merges
    return json.dumps(t, ensure_ascii=False, separators=(",", ":"))


def tokenizers():
    text = os.path.join(FIXTURES, "text")
    put("FuzzTokenizer", "qwen_small.json",
        shrink_tokenizer(os.path.join(text, "qwen/tokenizer.json"), lambda i: i < 256 or 256 <= i < 330))
    put("FuzzTokenizer", "llama_small.json",
        shrink_tokenizer(os.path.join(text, "llama/tokenizer.json"), lambda i: i < 3 or 3 <= i < 19 or 259 <= i < 420))
    put("FuzzTokenizer", "metaspace_small.json",
        shrink_tokenizer(os.path.join(text, "metaspace/tokenizer.json"), lambda i: i < 19 or 259 <= i < 420))
    # Hand-written: the components the fixtures do not use (GPT-2 style ByteLevel with its own
    # regex and prefix space, word prefix/suffix, fuse_unk, TemplateProcessing after).
    put("FuzzTokenizer", "minimal.json", json.dumps({
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 6, "content": "<|im_end|>", "special": True, "rstrip": True},
                         {"id": 7, "content": "cat", "single_word": True, "normalized": True}],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Replace", "pattern": {"String": "  "}, "content": " "}]},
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<|im_end|>", "type_id": 0}}],
                           "special_tokens": {"<|im_end|>": {"id": "<|im_end|>", "ids": [6], "tokens": ["<|im_end|>"]}}},
        "decoder": {"type": "ByteLevel"},
        "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": True, "ignore_merges": True,
                  "continuing_subword_prefix": "##", "end_of_word_suffix": "",
                  "vocab": {"<unk>": 0, "a": 1, "##b": 2, "ab": 3, "\u0120": 4, "\u0120a": 5},
                  "merges": ["a ##b", "\u0120 a"]}}))


# --- safetensors ----------------------------------------------------------------------------
def safetensors_file(entries, metadata=None):
    header, data = {}, b""
    for name, dtype, shape, payload in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensors():
    raw = open(os.path.join(FIXTURES, "pack/tiny.safetensors"), "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    metadata = json.loads(raw[8:8 + n])["__metadata__"]
    f32 = struct.pack("<6f", 1.0, -2.5, 0.0, 3.25, 1e-3, -1e30)
    f16 = struct.pack("<6H", 0x3C00, 0xC100, 0x0001, 0x7C00, 0xFC00, 0x7E00)
    bf16 = struct.pack("<4H", 0x3F80, 0xC020, 0x0001, 0x7F80)
    put("FuzzSafeTensors", "vq_tiny.safetensors", safetensors_file(
        [("encoder.conv_in.weight", "F32", [2, 3], f32), ("encoder.conv_in.bias", "F16", [6], f16),
         ("quantize.embedding.weight", "BF16", [2, 2], bf16)], metadata))
    put("FuzzSafeTensors", "dtypes.safetensors", safetensors_file(
        [("i64", "I64", [2], struct.pack("<2q", -1, 7)), ("u8", "U8", [3], b"\1\2\3"), ("bool", "BOOL", [], b"\1"),
         ("scalar", "F32", [], struct.pack("<f", 2.0)), ("empty", "F32", [0, 4], b""), ("odd", "F8_E4M3", [2], b"\0\1")],
        {"format": "pt"}))
    put("FuzzSafeTensors", "nometa.safetensors", safetensors_file([("w", "F32", [1], struct.pack("<f", 1.0))]))


# --- tokenized and packed shards ------------------------------------------------------------
def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def tokenized():
    src = sorted(p for p in os.listdir(os.path.join(FIXTURES, "pack/tokenized")) if p.endswith(".tok.zst"))[0]
    stream = zstandard.ZstdDecompressor().stream_reader(open(os.path.join(FIXTURES, "pack/tokenized", src), "rb")).read()
    assert stream[:8] == b"SGTOKSHD"
    header_end = 16 + u32(stream, 12)
    first = 4 + u32(stream, header_end)
    body = stream[:header_end] + stream[header_end:header_end + first]
    one = body + struct.pack("<IQ", 0, 1)
    cctx = zstandard.ZstdCompressor(level=19, write_checksum=True)
    put("FuzzTokenizedShard", "one_record.raw", b"\0" + cctx.compress(one))
    put("FuzzTokenizedShard", "one_record.plain", b"\1" + one)
    put("FuzzTokenizedShard", "empty.plain", b"\1" + stream[:header_end] + struct.pack("<IQ", 0, 0))


def packed():
    folder = os.path.join(FIXTURES, "pack/packed-short")
    if not os.path.isdir(folder):
        folder = os.path.join(FIXTURES, "pack/packed")
    for sub, _, files in os.walk(folder):
        packs = sorted(f for f in files if f.endswith(".pack"))
        if packs:
            raw = open(os.path.join(sub, packs[0]), "rb").read()
            break
    assert raw[:8] == b"SGPACKSH"
    count = struct.unpack_from("<Q", raw, 16)[0]
    offsets = struct.unpack_from("<%dQ" % (count + 1), raw, 24)
    frames = sorted((raw[offsets[i]:offsets[i + 1]] for i in range(count)), key=len)
    records = [zstandard.ZstdDecompressor().decompress(f) for f in frames]

    def pack(fs):
        out = b"SGPACKSH" + struct.pack("<IIQ", 1, 0, len(fs))
        offset = 24 + 8 * (len(fs) + 1)
        for f in fs:
            out += struct.pack("<Q", offset)
            offset += len(f)
        return out + struct.pack("<Q", offset) + b"".join(fs)

    put("FuzzPackedShard", "one_sequence.raw", b"\0" + pack(frames[:1]))
    put("FuzzPackedShard", "empty.raw", b"\0" + pack([]))
    put("FuzzPackedShard", "one_sequence.plain", b"\1" + records[0])
    # Two frames: a whole record, then the same record cut short (a damaged sequence).
    put("FuzzPackedShard", "two_sequences.plain", b"\1" + records[0] + b"SGPACKSQ" + records[0][:64])


if __name__ == "__main__":
    manifests()
    tars()
    jpegs()
    pngs()
    tokenizers()
    safetensors()
    tokenized()
    packed()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} files, {size} bytes")
