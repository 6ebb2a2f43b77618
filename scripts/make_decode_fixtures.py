#!/usr/bin/env python3
"""Test set-up for the foundation stages: images in every JPEG/PNG variant with the pixels Pillow
decodes them to, and tar shards (one written by webdataset's TarWriter) with webdataset's own
grouping, plus corrupt inputs of every kind.

Writes into Tests/Fixtures/generated/{decode,source}/ (git-ignored). Needs numpy, pillow,
webdataset and scikit-image (for real photos); `make test-fixtures` installs them.
"""
import ctypes
import ctypes.util
import gzip
import io
import json
import os
import struct
import sys
import tarfile
import zlib

try:
    import numpy as np
    import skimage
    import webdataset as wds
    from PIL import Image, ImageOps
except ImportError as error:  # pragma: no cover
    sys.exit(f"missing Python package ({error}); run `make test-fixtures`, which installs them")

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "generated")
DECODE = os.path.join(ROOT, "decode")
SOURCE = os.path.join(ROOT, "source")
PHOTOS = os.path.join(os.path.dirname(skimage.__file__), "data")


def photo(name, box):
    """A crop of a real photo from the scikit-image wheel, as an RGB PIL image."""
    return Image.open(os.path.join(PHOTOS, name)).convert("RGB").crop(box)


def reference_rgb(path):
    """What the pipeline must produce: Pillow's upright RGB, alpha composited onto white."""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    if im.mode == "I;16":  # deliberate difference (see ImageDecoder): keep the high byte
        return np.asarray(im, dtype=np.uint16) >> 8
    has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    if has_alpha:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(im.convert("RGB"))


# ---------------------------------------------------------------- PNG writer (any depth, Adam7)
def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_rows(samples, bit_depth):
    """samples: 2-D array (rows, values per row) of ints -> list of packed row bytes."""
    rows = []
    for row in samples:
        if bit_depth == 16:
            rows.append(np.asarray(row, dtype=">u2").tobytes())
        elif bit_depth == 8:
            rows.append(np.asarray(row, dtype=np.uint8).tobytes())
        else:
            per = 8 // bit_depth
            out = bytearray((len(row) + per - 1) // per)
            for i, v in enumerate(row):
                out[i // per] |= int(v) << (8 - bit_depth * (i % per + 1))
            rows.append(bytes(out))
    return rows


def write_png(path, pixels, bit_depth, color_type, palette=None, trns=None, exif=None, interlace=False):
    """pixels: (h, w, channels) or (h, w) integer array in the file's sample range."""
    pixels = np.asarray(pixels)
    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    flat = pixels.reshape(h, w * channels)

    def encode(sub):
        sh = sub.shape[0]
        return b"".join(b"\x00" + r for r in pack_rows(sub.reshape(sh, -1), bit_depth))

    if interlace:
        raw = b""
        for xs, ys, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            sub = pixels[ys::dy, xs::dx]
            if sub.size:
                raw += encode(sub)
    else:
        raw = encode(flat)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        out += png_chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        out += png_chunk(b"tRNS", trns)
    if exif is not None:
        out += png_chunk(b"eXIf", exif)
    out += png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)


def exif_bytes(orientation):
    e = Image.Exif()
    e[0x0112] = orientation
    return e.tobytes()


def ycck_jpeg(cmyk, quality=90):
    """A YCCK JPEG (what Adobe writes for CMYK): libjpeg-turbo's TurboJPEG API stores CMYK input as YCCK."""
    lib = ctypes.CDLL(ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0")
    lib.tjInitCompress.restype = ctypes.c_void_p
    handle = lib.tjInitCompress()
    h, w, _ = cmyk.shape
    buf = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_ulong(0)
    data = np.ascontiguousarray(cmyk, dtype=np.uint8)
    TJPF_CMYK, TJSAMP_444 = 11, 0
    status = lib.tjCompress2(ctypes.c_void_p(handle), data.ctypes.data_as(ctypes.c_void_p), w, w * 4, h, TJPF_CMYK,
                             ctypes.byref(buf), ctypes.byref(size), TJSAMP_444, quality, 0)
    assert status == 0, "tjCompress2 failed"
    out = ctypes.string_at(buf, size.value)
    lib.tjFree(buf)
    lib.tjDestroy(ctypes.c_void_p(handle))
    return out


def make_decode_fixtures():
    os.makedirs(DECODE, exist_ok=True)
    cases = []

    def add(name, note, scale=None, **extra):
        path = os.path.join(DECODE, name)
        if scale:
            im = Image.open(path)
            im.draft("RGB", (im.size[0] // scale, im.size[1] // scale))
            expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
        else:
            expected = reference_rgb(path)
        if expected.ndim == 2:
            expected = np.stack([expected] * 3, axis=-1)
        expected = np.ascontiguousarray(expected, dtype=np.uint8)
        expected_name = name + (f".scale{scale}" if scale else "") + ".rgb"
        with open(os.path.join(DECODE, expected_name), "wb") as f:
            f.write(expected.tobytes())
        cases.append(dict(file=name, expected=expected_name, width=int(expected.shape[1]), height=int(expected.shape[0]),
                          note=note, dct_scale=scale or 1, **extra))

    astronaut = photo("astronaut.png", (130, 40, 130 + 173, 40 + 117))   # odd sizes exercise edge upsampling
    coffee = photo("coffee.png", (200, 100, 200 + 160, 100 + 96))
    chelsea = photo("chelsea.png", (100, 50, 100 + 250, 50 + 200))

    astronaut.save(os.path.join(DECODE, "baseline420.jpg"), quality=90)
    add("baseline420.jpg", "baseline, 4:2:0, odd size")
    astronaut.save(os.path.join(DECODE, "baseline444.jpg"), quality=95, subsampling=0)
    add("baseline444.jpg", "baseline, 4:4:4")
    coffee.save(os.path.join(DECODE, "baseline422.jpg"), quality=85, subsampling=1)
    add("baseline422.jpg", "baseline, 4:2:2")
    coffee.save(os.path.join(DECODE, "progressive.jpg"), quality=88, progressive=True)
    add("progressive.jpg", "progressive")
    astronaut.convert("L").save(os.path.join(DECODE, "gray.jpg"), quality=90)
    add("gray.jpg", "grayscale")
    coffee.convert("CMYK").save(os.path.join(DECODE, "cmyk.jpg"), quality=92)
    add("cmyk.jpg", "Adobe CMYK (inverted)")
    rng = np.random.default_rng(7)
    cmyk = np.concatenate([np.asarray(coffee.convert("CMYK"))[:, :, :3],
                           rng.integers(0, 90, size=(96, 160, 1), dtype=np.uint8)], axis=-1)
    with open(os.path.join(DECODE, "ycck.jpg"), "wb") as f:
        f.write(ycck_jpeg(cmyk))
    add("ycck.jpg", "YCCK written by TurboJPEG")
    for orientation in range(1, 9):
        name = f"exif{orientation}.jpg"
        coffee.save(os.path.join(DECODE, name), quality=90, exif=exif_bytes(orientation))
        add(name, f"EXIF orientation {orientation}", orientation=orientation)
    chelsea.save(os.path.join(DECODE, "scaled.jpg"), quality=90)
    for scale in (2, 4, 8):
        add("scaled.jpg", f"DCT scaling 1/{scale} (Pillow draft)", scale=scale)

    # PNG: every colour type and depth.
    rgb8 = np.asarray(astronaut)
    gray8 = np.asarray(astronaut.convert("L"))
    alpha8 = (np.indices(gray8.shape).sum(axis=0) * 3 % 256).astype(np.uint8)
    h, w = gray8.shape
    noise16 = rng.integers(0, 256, size=(h, w, 4), dtype=np.uint16)
    for depth in (1, 2, 4, 8):
        name = f"gray{depth}.png"
        write_png(os.path.join(DECODE, name), gray8 >> (8 - depth), depth, 0)
        add(name, f"gray {depth}-bit")
    write_png(os.path.join(DECODE, "gray16.png"), gray8.astype(np.uint16) * 257 + noise16[:, :, 0], 16, 0)
    add("gray16.png", "gray 16-bit: high byte (Pillow clips I;16 to 255: deliberate difference)", pillow_differs=True)
    write_png(os.path.join(DECODE, "gray8_trns.png"), gray8, 8, 0, trns=struct.pack(">H", int(gray8[5, 5])))
    add("gray8_trns.png", "gray 8-bit with tRNS")
    write_png(os.path.join(DECODE, "gray_alpha8.png"), np.stack([gray8, alpha8], -1), 8, 4)
    add("gray_alpha8.png", "gray+alpha 8-bit")
    write_png(os.path.join(DECODE, "gray_alpha16.png"), np.stack([gray8, alpha8], -1).astype(np.uint16) * 257 + noise16[:, :, :2], 16, 4)
    add("gray_alpha16.png", "gray+alpha 16-bit")
    write_png(os.path.join(DECODE, "rgb8.png"), rgb8, 8, 2)
    add("rgb8.png", "RGB 8-bit")
    write_png(os.path.join(DECODE, "rgb16.png"), rgb8.astype(np.uint16) * 257 + noise16[:, :, :3], 16, 2)
    add("rgb16.png", "RGB 16-bit")
    write_png(os.path.join(DECODE, "rgb8_trns.png"), rgb8, 8, 2, trns=struct.pack(">HHH", *[int(v) for v in rgb8[3, 3]]))
    add("rgb8_trns.png", "RGB 8-bit with tRNS")
    write_png(os.path.join(DECODE, "rgba8.png"), np.concatenate([rgb8, alpha8[:, :, None]], -1), 8, 6)
    add("rgba8.png", "RGBA 8-bit")
    write_png(os.path.join(DECODE, "rgba16.png"), np.concatenate([rgb8, alpha8[:, :, None]], -1).astype(np.uint16) * 257 + noise16, 16, 6)
    add("rgba16.png", "RGBA 16-bit")
    write_png(os.path.join(DECODE, "interlaced.png"), rgb8, 8, 2, interlace=True)
    add("interlaced.png", "RGB 8-bit Adam7 interlaced")
    for depth in (1, 2, 4, 8):
        colors = 1 << depth
        palette = rng.integers(0, 256, size=(colors, 3))
        index = (gray8.astype(np.int32) * colors // 256).astype(np.uint8)
        name = f"palette{depth}.png"
        write_png(os.path.join(DECODE, name), index, depth, 3, palette=palette)
        add(name, f"palette {depth}-bit")
    palette = rng.integers(0, 256, size=(256, 3))
    alphas = bytes(rng.integers(0, 256, size=200, dtype=np.uint8))
    write_png(os.path.join(DECODE, "palette8_trns.png"), gray8, 8, 3, palette=palette, trns=alphas)
    add("palette8_trns.png", "palette 8-bit with tRNS alphas")
    write_png(os.path.join(DECODE, "exif6.png"), rgb8, 8, 2, exif=exif_bytes(6)[6:] if exif_bytes(6).startswith(b"Exif") else exif_bytes(6))
    add("exif6.png", "PNG with eXIf orientation 6", orientation=6)

    # Inputs that must fail, with the reason word expected.
    bad = []

    def bad_case(name, data, reason):
        with open(os.path.join(DECODE, name), "wb") as f:
            f.write(data)
        bad.append(dict(file=name, reason=reason))

    good_jpeg = open(os.path.join(DECODE, "baseline420.jpg"), "rb").read()
    good_png = open(os.path.join(DECODE, "rgb8.png"), "rb").read()
    bad_case("truncated.jpg", good_jpeg[: len(good_jpeg) * 6 // 10], "truncated")
    bad_case("header_only.jpg", good_jpeg[:20], "truncated")
    bad_case("garbage.jpg", b"\xff\xd8\xff" + bytes(rng.integers(0, 256, size=600, dtype=np.uint8)), "corrupt")
    bad_case("truncated.png", good_png[: len(good_png) // 2], "truncated")
    crc = bytearray(good_png)
    crc[len(crc) - 20] ^= 0x55  # inside the IDAT data: CRC mismatch on a critical chunk
    bad_case("bad_crc.png", bytes(crc), "corrupt")
    for fmt, name in (("GIF", "image.gif"), ("WEBP", "image.webp"), ("BMP", "image.bmp"), ("TIFF", "image.tif")):
        buf = io.BytesIO()
        coffee.save(buf, format=fmt)
        bad_case(name, buf.getvalue(), "unsupported")
    bad_case("html.jpg", b"<!DOCTYPE html><html><body>404 Not Found</body></html>", "corrupt")
    bad_case("empty.jpg", b"", "corrupt")
    # 20000 x 20000 1-bit gray: tiny file, 400 Mpixel header -> refused before allocation.
    raw = zlib.compress(b"\x00" * (1 + 20000 // 8) * 20000, 9)
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)) + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b"")
    bad_case("bomb.png", bomb, "too-large")

    with open(os.path.join(DECODE, "cases.json"), "w") as f:
        json.dump(dict(good=cases, bad=bad), f, indent=1)
    return good_jpeg, good_png


# ---------------------------------------------------------------- tar shards
def tar_bytes(members):
    """members: list of (name, bytes or None for a directory)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def webdataset_grouping(path):
    """Samples as webdataset itself groups them: [{key, exts}]."""
    with open(path, "rb") as stream:
        files = wds.tariterators.tar_file_iterator(stream)
        samples = wds.tariterators.group_by_keys(({**f, "__url__": path} for f in files))
        return [dict(key=s["__key__"], exts=sorted(k for k in s if not k.startswith("__"))) for s in samples]


def make_source_fixtures(jpeg, png):
    os.makedirs(SOURCE, exist_ok=True)
    expected = {}

    # 1. A shard written by webdataset's own TarWriter.
    path = os.path.join(SOURCE, "webdataset.tar")
    with wds.TarWriter(path) as sink:
        for i in range(6):
            sample = {"__key__": f"sample{i:04d}", "txt": f"caption number {i}", "json": {"i": i}}
            sample["jpg" if i % 2 == 0 else "png"] = jpeg if i % 2 == 0 else png
            sink.write(sample)
    expected["webdataset.tar"] = webdataset_grouping(path)

    # 2. Naming edge cases, grouped by webdataset for comparison.
    edge = [
        ("dir.v1/", None),
        ("dir.v1/a.jpg", jpeg), ("dir.v1/a.TXT", b"upper-case extension"),
        ("dir.v1/b.seg.png", png), ("dir.v1/b.txt", b"multi-part extension"),
        ("__meta__", b"skipped"), ("__index__/x.json", b"{}"),
        ("README", b"no dot: skipped"),
        ("c.d.e/f.g.jpg", jpeg), ("c.d.e/f.g.txt", b"dots in folder and name"),
        ("x/.hidden", b"name starts with a dot"),
        ("plain.jpg", jpeg), ("plain.txt", b"plain"),
    ]
    path = os.path.join(SOURCE, "edge_names.tar")
    with open(path, "wb") as f:
        f.write(tar_bytes(edge))
    expected["edge_names.tar"] = webdataset_grouping(path)

    def write_tar(name, members):
        data = tar_bytes(members)
        with open(os.path.join(SOURCE, name), "wb") as f:
            f.write(data)
        return data

    good = [(f"k{i}.jpg", jpeg) if i % 2 else (f"k{i}.png", png) for i in range(5)]
    good = [m for i, m in enumerate(good) for m in (m, (f"k{i}.txt", f"caption {i}".encode()))]
    good_bytes = write_tar("good.tar", good)
    with open(os.path.join(SOURCE, "good.tar.gz"), "wb") as f:
        f.write(gzip.compress(good_bytes, mtime=0))
    with open(os.path.join(SOURCE, "good.tgz"), "wb") as f:
        f.write(gzip.compress(good_bytes, mtime=0))
    # Cut inside the image of the 4th sample (k3.jpg): samples k0..k2 survive.
    offset = good_bytes.index(b"k3.jpg") + 512 + 100
    with open(os.path.join(SOURCE, "truncated.tar"), "wb") as f:
        f.write(good_bytes[:offset])
    with open(os.path.join(SOURCE, "truncated.tar.gz"), "wb") as f:
        compressed = gzip.compress(good_bytes, mtime=0)
        f.write(compressed[: len(compressed) * 8 // 10])
    write_tar("dup_ext.tar", [("a.jpg", jpeg), ("a.txt", b"a"), ("b.jpg", jpeg), ("b.jpg", jpeg), ("b.txt", b"b"), ("c.png", png), ("c.txt", b"c")])
    write_tar("dup_key.tar", [("a.jpg", jpeg), ("a.txt", b"a"), ("b.png", png), ("b.txt", b"b"), ("a.png", png), ("a.txt", b"again")])
    bad_samples = [
        ("ok.jpg", jpeg), ("ok.txt", b"fine"),
        ("noimage.txt", b"caption without image"),
        ("notext.jpg", jpeg),
        ("emptytext.png", png), ("emptytext.txt", b"  \n"),
        ("corrupt.jpg", b"\xff\xd8\xff" + b"\x00" * 300), ("corrupt.txt", b"corrupt image"),
        ("truncimg.jpg", jpeg[: len(jpeg) // 2]), ("truncimg.txt", b"truncated image"),
        ("gif.gif", open(os.path.join(DECODE, "image.gif"), "rb").read()), ("gif.txt", b"a gif"),
        ("jsoncap.png", png), ("jsoncap.json", json.dumps({"caption": "from json"}).encode()),
        ("bomb.png", open(os.path.join(DECODE, "bomb.png"), "rb").read()), ("bomb.txt", b"too many pixels"),
    ]
    write_tar("bad_samples.tar", bad_samples)
    with open(os.path.join(SOURCE, "not_a_tar.tar"), "wb") as f:
        f.write(bytes(np.random.default_rng(3).integers(0, 256, size=3000, dtype=np.uint8)))
    open(os.path.join(SOURCE, "empty.tar"), "wb").close()

    # 3. Real photos as shipped (full size, their own JPEG/PNG encodings), written by webdataset's
    #    TarWriter, with bad samples of every sample-level kind mixed in.
    import matplotlib
    photos = {name: open(os.path.join(PHOTOS, name), "rb").read()
              for name in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png",
                           "hubble_deep_field.jpg", "retina.jpg", "camera.png", "logo.png")}
    photos["grace_hopper.jpg"] = open(os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg"), "rb").read()
    photos["Minduka_Present_Blue_Pack.png"] = open(os.path.join(matplotlib.get_data_path(), "sample_data", "Minduka_Present_Blue_Pack.png"), "rb").read()
    manifest = dict(good=[], bad={})
    path = os.path.join(SOURCE, "photos.tar")
    with wds.TarWriter(path) as sink:
        for i, (name, data) in enumerate(sorted(photos.items())):
            key = f"photo{i:03d}"
            ext = "jpg" if name.endswith(".jpg") else "png"
            sink.write({"__key__": key, ext: data, "txt": f"a photo ({name})", "json": {"source": name}})
            manifest["good"].append(dict(key=key, sha256=__import__("hashlib").sha256(data).hexdigest()))
        bad = [("bad-corrupt", "jpg", b"\xff\xd8\xff" + b"\x00" * 500, "corrupt"),
               ("bad-truncated", "jpg", photos["rocket.jpg"][:5000], "truncated"),
               ("bad-gif", "gif", open(os.path.join(DECODE, "image.gif"), "rb").read(), "unsupported"),
               ("bad-webp", "webp", open(os.path.join(DECODE, "image.webp"), "rb").read(), "unsupported"),
               ("bad-bomb", "png", open(os.path.join(DECODE, "bomb.png"), "rb").read(), "too-large")]
        for key, ext, data, reason in bad:
            sink.write({"__key__": key, ext: data, "txt": "bad sample"})
            manifest["bad"][key] = reason
        sink.write({"__key__": "bad-noimage", "txt": "no image here"})
        manifest["bad"]["bad-noimage"] = "no-image"
        sink.write({"__key__": "bad-notext", "png": photos["logo.png"]})
        manifest["bad"]["bad-notext"] = "no-text"
    with open(os.path.join(SOURCE, "photos.json"), "w") as f:
        json.dump(manifest, f, indent=1)

    with open(os.path.join(SOURCE, "expected_grouping.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    jpeg_bytes, png_bytes = make_decode_fixtures()
    make_source_fixtures(jpeg_bytes, png_bytes)
    print(f"fixtures written to {os.path.normpath(ROOT)}")
