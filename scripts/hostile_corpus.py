#!/usr/bin/env python3
"""Hostile corpus (`make test-hostile`): several thousand mutated samples as WebDataset tars, run
through `synergen-prep inspect --json` and `tokenize` under `/usr/bin/time -v`, with checks.

The samples start from real photos (scikit-image's data folder, matplotlib's sample_data, and
scikit-learn's sample images when that package is installed), cropped and resized to several
sizes and saved with Pillow as JPEG (baseline, progressive, 4:4:4, grayscale) and PNG (RGB, RGBA,
gray, palette). Then most are mutated: truncation at random points, byte flips and bursts in the
headers and in the bodies, swapped magic numbers, JPEGs whose SOF declares 65500 x 65500 (and
9000 x 9000: under the pixel limit, with a tiny body), PNGs whose IHDR declares huge sizes in a
tiny file (CRC fixed, and not), bad chunk CRCs, zero-length members, non-image bytes behind .jpg,
missing / empty / huge / invalid UTF-8 captions, captions only in (valid or broken) json,
duplicate extensions, duplicate keys, odd member names (dots, spaces, unicode, 200-character
names, folders, no extension, __metadata__). Plus tar-level attacks, one shard each: a member whose
header declares a size beyond the archive (under and over --max-member-mib), a base-256 size
field of 2^62, a truncated tar, a broken header checksum mid-archive, a pax tar cut inside its
last member, a valid gzip tar named .tar.gz and one named .tar, gzip tars cut at 2/3 (8 and 120
samples), an empty file and random bytes named .tar.

Checks (exit 1 on any failure):
  - inspect and tokenize exit 0, within --timeout seconds each (a hang), and no signal (a crash);
  - inspect: ok + sum(sample-level errors) == samples, in total and per shard;
  - tokenize (done-markers via `stats --json`): samplesOut + sum(sample-level errors) == samplesIn,
    in total and per shard; tokenize read the same number of samples as inspect;
  - on the mutated shards (no tar-level damage) both saw the samples webdataset's grouping gives
    (its base_plus_ext and skip_meta rules applied to the member names);
  - no untouched photo encoding (one Pillow decodes) is reported corrupt / truncated / unsupported /
    too-large by tokenize, whatever came before it in the shard;
  - a plain truncated tar keeps every sample complete before the cut (a truncated gzip tar is only
    reported: libarchive drops what it inflated into its last, partial buffer);
  - max RSS of each under --max-rss-mb (default 1536).
Prints the mutations written, the counts by reason word, what each mutation became, the attack
shards' outcomes, the RSS and the times. Shard-level reasons (truncated-shard, unreadable-shard,
missing-shard, pipe-failed) count shards, not samples, and are left out of the sums.

Usage: python3 scripts/hostile_corpus.py [--samples 3200] [--out DIR] [--seed 0] [--bin BIN]
           [--tokenizer FILE] [--timeout 1200] [--max-rss-mb 1536] [--workers 2] [--keep]
Needs Pillow and scikit-image and/or matplotlib (`make deps`), GNU time (installed with apt-get
when missing and root), the release binary and the test tokenizer (`make test-fixtures`).
"""
import argparse
import gzip
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
import zlib

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARD_REASONS = {"truncated-shard", "missing-shard", "unreadable-shard", "pipe-failed"}

try:
    from PIL import Image
except ImportError:  # pragma: no cover
    sys.exit("needs Pillow (pip install pillow, or make test-fixtures)")


# ------------------------------------------------------------------------------ source photos
def photo_files():
    """Real photos that ship inside installed Python packages."""
    found = []
    try:
        import skimage
        d = os.path.join(os.path.dirname(skimage.__file__), "data")
        for n in ["astronaut.png", "coffee.png", "chelsea.png", "camera.png", "rocket.jpg", "retina.jpg",
                  "hubble_deep_field.jpg", "motorcycle_left.png", "brick.png", "grass.png", "gravel.png",
                  "coins.png", "moon.png", "page.png", "horse.png", "ihc.png", "color.png", "logo.png"]:
            if os.path.exists(os.path.join(d, n)):
                found.append(os.path.join(d, n))
    except ImportError:
        pass
    try:
        import matplotlib
        d = os.path.join(matplotlib.get_data_path(), "sample_data")
        for n in ["grace_hopper.jpg", "logo2.png", "Minduka_Present_Blue_Pack.png"]:
            if os.path.exists(os.path.join(d, n)):
                found.append(os.path.join(d, n))
    except ImportError:
        pass
    images = [Image.open(p) for p in found]
    try:
        from sklearn.datasets import load_sample_images
        images += [Image.fromarray(a) for a in load_sample_images().images]
    except Exception:
        pass
    if len(images) < 3:
        sys.exit("needs scikit-image and/or matplotlib for real photos (pip install scikit-image matplotlib)")
    return images


def encodings(rng, photos, count):
    """`count` valid encoded images: random crops at several sizes, JPEG and PNG variants."""
    out = []
    sides = [8, 24, 48, 64, 96, 160, 256, 400]
    for i in range(count):
        im = photos[i % len(photos)]
        im.load()
        w, h = im.size
        cw, ch = rng.randint(max(1, w // 4), w), rng.randint(max(1, h // 4), h)
        x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
        crop = im.crop((x, y, x + cw, y + ch))
        side = rng.choice(sides)
        scale = side / min(cw, ch)
        crop = crop.resize((max(1, round(cw * scale)), max(1, round(ch * scale))), Image.BILINEAR)
        buf = io.BytesIO()
        kind = rng.choice(["jpeg", "jpeg", "jpeg-progressive", "jpeg-444", "jpeg-gray", "png", "png-rgba", "png-gray", "png-palette"])
        if kind.startswith("jpeg"):
            c = crop.convert("L" if kind == "jpeg-gray" else "RGB")
            c.save(buf, "JPEG", quality=rng.choice([40, 75, 92]), progressive=kind == "jpeg-progressive",
                   subsampling=0 if kind == "jpeg-444" else 2)
            out.append(("jpg", buf.getvalue()))
        else:
            mode = {"png": "RGB", "png-rgba": "RGBA", "png-gray": "L", "png-palette": "P"}[kind]
            c = crop.convert("RGB").convert(mode) if mode != "P" else crop.convert("RGB").quantize(64)
            c.save(buf, "PNG")
            out.append(("png", buf.getvalue()))
    return out


# ------------------------------------------------------------------------------ mutations
def flip_bytes(rng, data, lo, hi, n):
    b = bytearray(data)
    hi = min(hi, len(b))
    if hi <= lo:
        return bytes(b)
    for _ in range(n):
        b[rng.randrange(lo, hi)] ^= rng.randrange(1, 256)
    return bytes(b)


def burst(rng, data, lo, hi):
    b = bytearray(data)
    hi = min(hi, len(b))
    if hi <= lo + 1:
        return bytes(b)
    start = rng.randrange(lo, hi)
    n = min(rng.randint(4, 256), len(b) - start)
    b[start:start + n] = bytes(rng.randrange(256) for _ in range(n))
    return bytes(b)


def jpeg_sof(data):
    """Offset of the SOFn segment's height field, or None."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        m = data[i + 1]
        if m == 0xFF:
            i += 1
            continue
        seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
        if m in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return i + 5  # marker(2) len(2) precision(1) -> height(2) width(2)
        i += 2 + seglen
    return None


def jpeg_dims(data, h, w, keep_bytes=None):
    off = jpeg_sof(data)
    if off is None:
        return data
    b = bytearray(data)
    b[off:off + 4] = struct.pack(">HH", h, w)
    if keep_bytes:
        b = b[:max(off + 20, keep_bytes)]
    return bytes(b)


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_huge(w, h, fix_crc=True, depth=8, color=2):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)
    chunk = png_chunk(b"IHDR", ihdr)
    if not fix_crc:
        chunk = chunk[:-4] + b"\x00\x00\x00\x00"
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk + idat + png_chunk(b"IEND", b"")


def png_bad_crc(rng, data):
    """Corrupt the CRC of one chunk (IHDR or an IDAT)."""
    chunks, i = [], 8
    while i + 8 <= len(data):
        n = struct.unpack(">I", data[i:i + 4])[0]
        chunks.append((i, n, data[i + 4:i + 8]))
        i += 12 + n
    pick = [c for c in chunks if c[2] in (b"IHDR", b"IDAT")]
    if not pick:
        return data
    off, n, _ = rng.choice(pick)
    b = bytearray(data)
    crc = off + 8 + n
    b[crc:crc + 4] = bytes(x ^ 0xA5 for x in b[crc:crc + 4])
    return bytes(b)


NON_IMAGES = [
    b"<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>\n",
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
    b"BM" + b"\x00" * 60,
    b"II*\x00" + b"\x00" * 60,
    b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 40,
    b"\x00\x00\x00\x18ftypavif" + b"\x00" * 40,
    b'{"error": "not found"}',
    b"\xff\xd8",  # SOI only
    b"\x89PNG\r\n\x1a\n",  # signature only
]


def caption(rng):
    words = ["a", "photo", "of", "the", "cat", "rocket", "coffee", "cup", "on", "a", "table", "close-up",
             "portrait", "astronaut", "in", "space", "grainy", "texture", "bright", "dark", "blue", "sky"]
    return " ".join(rng.choice(words) for _ in range(rng.randint(3, 30)))


def make_sample(rng, i, enc):
    """One sample: (kind, [(member name, bytes)]). `enc` is a list of valid encodings to draw from."""
    ext, img = rng.choice(enc)
    key = f"{i:08d}"
    cap = caption(rng).encode()
    members = lambda image, text=cap, e=ext: [(f"{key}.{e}", image), (f"{key}.txt", text)]
    kind = rng.choices(
        ["clean", "truncate", "flip-header", "flip-body", "burst", "swap-magic", "jpeg-sof-65500",
         "jpeg-sof-9000-tiny", "png-ihdr-huge", "png-ihdr-huge-badcrc", "png-ihdr-9000-tiny", "png-bad-crc",
         "zero-image", "non-image", "no-caption", "empty-caption", "huge-caption", "bad-utf8-caption",
         "json-caption", "json-broken", "dup-ext", "dup-ext-case", "odd-name", "no-image", "zero-caption"],
        weights=[22, 10, 6, 8, 5, 3, 3, 2, 2, 2, 2, 4, 2, 4, 3, 2, 1, 3, 3, 2, 2, 2, 6, 2, 2])[0]
    if kind == "clean":
        return kind, members(img)
    if kind == "truncate":
        return kind, members(img[:rng.randrange(0, len(img))])
    if kind == "flip-header":
        return kind, members(flip_bytes(rng, img, 0, 200, rng.randint(1, 6)))
    if kind == "flip-body":
        return kind, members(flip_bytes(rng, img, min(200, len(img) // 2), len(img), rng.randint(1, 40)))
    if kind == "burst":
        return kind, members(burst(rng, img, 0, len(img)))
    if kind == "swap-magic":
        if ext == "jpg":
            return kind, members(b"\x89PNG\r\n\x1a\n" + img[2:])
        return kind, members(b"\xff\xd8\xff\xe0" + img[8:], e="png")
    if kind in ("jpeg-sof-65500", "jpeg-sof-9000-tiny"):
        jpgs = [e for e in enc if e[0] == "jpg"]
        j = rng.choice(jpgs)[1]
        if kind == "jpeg-sof-65500":
            return kind, members(jpeg_dims(j, 65500, 65500), e="jpg")
        return kind, members(jpeg_dims(j, 9000, 9000, keep_bytes=rng.randint(300, 2000)), e="jpg")
    if kind == "png-ihdr-huge":
        return kind, members(png_huge(rng.choice([65500, 100000, 2**31 - 1]), rng.choice([65500, 100000, 2**31 - 1])), e="png")
    if kind == "png-ihdr-huge-badcrc":
        return kind, members(png_huge(65500, 65500, fix_crc=False), e="png")
    if kind == "png-ihdr-9000-tiny":
        return kind, members(png_huge(9000, 9000, depth=rng.choice([8, 16]), color=rng.choice([2, 6])), e="png")
    if kind == "png-bad-crc":
        pngs = [e for e in enc if e[0] == "png"]
        return kind, members(png_bad_crc(rng, rng.choice(pngs)[1]), e="png")
    if kind == "zero-image":
        return kind, members(b"")
    if kind == "non-image":
        return kind, members(rng.choice(NON_IMAGES) if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000))), e="jpg")
    if kind == "no-caption":
        return kind, [(f"{key}.{ext}", img)]
    if kind == "empty-caption":
        return kind, members(img, text=rng.choice([b"", b"   ", b"\n\t \n"]))
    if kind == "zero-caption":
        return kind, members(img, text=b"\x00" * rng.randint(1, 64))
    if kind == "huge-caption":
        return kind, members(img, text=(caption(rng) + " ").encode() * rng.randint(20000, 120000))
    if kind == "bad-utf8-caption":
        bad = rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xe2\x82", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80", b"\xc0\xaf"])
        return kind, members(img, text=cap[: len(cap) // 2] + bad + cap[len(cap) // 2:])
    if kind == "json-caption":
        return kind, [(f"{key}.{ext}", img), (f"{key}.json", json.dumps({"caption": cap.decode(), "width": 1}).encode())]
    if kind == "json-broken":
        return kind, [(f"{key}.{ext}", img), (f"{key}.json", rng.choice([b'{"caption": "unterminated', b"[1,2", b"\xff\xff", b'{"caption": 42}', b"null"]))]
    if kind == "dup-ext":
        return kind, [(f"{key}.{ext}", img), (f"{key}.{ext}", img), (f"{key}.txt", cap)]
    if kind == "dup-ext-case":
        return kind, [(f"{key}.{ext}", img), (f"{key}.{ext.upper()}", img), (f"{key}.txt", cap)]
    if kind == "no-image":
        return kind, [(f"{key}.txt", cap), (f"{key}.cls", b"3")]
    # odd names
    style = rng.choice(["dots", "spaces", "unicode", "long", "folder", "upper", "noext", "meta", "dotdot", "leading-dot"])
    if style == "dots":
        base = f"{key}.v1.final"
        return "odd-name:" + style, [(f"{base}.{ext}", img), (f"{base}.txt", cap)]
    if style == "spaces":
        base = f"photo {key} (copy)"
    elif style == "unicode":
        base = f"写真-{key}-ñ-🙂"
    elif style == "long":
        base = key + "x" * 200
    elif style == "folder":
        base = f"a/b/c/{key}"
    elif style == "upper":
        return "odd-name:" + style, [(f"{key}.{ext.upper()}", img), (f"{key}.TXT", cap)]
    elif style == "noext":
        return "odd-name:" + style, [(f"{key}noext", img), (f"{key}.{ext}", img), (f"{key}.txt", cap)]
    elif style == "meta":
        return "odd-name:" + style, [("__meta__.json", b"{}"), (f"{key}.{ext}", img), (f"{key}.txt", cap)]
    elif style == "dotdot":
        base = f"../../{key}"
    else:
        base = f".{key}"
    return "odd-name:" + style, [(f"{base}.{ext}", img), (f"{base}.txt", cap)]


def tar_bytes(members, fmt=tarfile.GNU_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


KEY_RE = re.compile(r"^((?:.*/|)[^.]+)[.]([^/]*)$")   # webdataset.tariterators.base_plus_ext
META_RE = re.compile(r"__[^/]*__($|/)")                # tar_file_iterator's skip_meta


def member_key(name):
    """The webdataset key of a member name, None when webdataset skips the member."""
    if "/" not in name and name.startswith("__") and name.endswith("__") or META_RE.match(name):
        return None
    m = KEY_RE.match(name)
    return m.group(1) if m else None


def expected_samples(members):
    """Samples webdataset's grouping makes of the member names: runs of consecutive equal keys (a
    duplicate extension, where webdataset raises, is still one sample)."""
    n, last = 0, None
    for name, _ in members:
        key = member_key(name)
        if key is None:
            continue
        if key != last:
            n += 1
            last = key
    return n


def complete_before(members, cut):
    """Samples (as expected_samples counts them) whose members all end at or before byte `cut` of
    the uncompressed tar written by tar_bytes(members)."""
    data = tar_bytes(members)
    ends, order = {}, []
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        last, run = None, -1
        for m in t:
            key = member_key(m.name)
            if key is None:
                continue
            if key != last:
                run += 1
                last = key
                order.append(run)
            ends[run] = max(ends.get(run, 0), m.offset_data + m.size)
    return sum(1 for r in order if ends[r] <= cut)


def gzip_available(gz):
    """Bytes of the uncompressed stream that the first len(gz) bytes of a gzip stream hold."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return len(d.decompress(gz))


def header_offsets(data):
    """Offsets of the 512-byte headers of the regular members of an (uncompressed) tar."""
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        return [(m.offset, m.offset_data, m.size, m.name) for m in t]


def set_size(data, header, size_field):
    """Rewrites the size field (12 bytes at +124) of the header at `header` and fixes its checksum."""
    b = bytearray(data)
    b[header + 124:header + 136] = size_field
    b[header + 148:header + 156] = b" " * 8
    chk = sum(b[header:header + 512])
    b[header + 148:header + 156] = b"%06o\x00 " % chk
    return bytes(b)


def attack_shards(rng, enc, out, first_key):
    """Tar-level attacks: name -> (file name, bytes, attack description)."""
    total = [0]

    def base(n, start):
        total[0] += n
        ms = []
        for j in range(n):
            ext, img = enc[(start + j) % len(enc)]
            k = f"{start + j:08d}"
            ms += [(f"{k}.{ext}", img), (f"{k}.txt", caption(rng).encode())]
        return ms
    res, cuts = [], {}
    k = first_key
    ms = base(8, k); data = tar_bytes(ms); hs = header_offsets(data)
    # last member's size beyond the archive: 100 MiB (under --max-member-mib) and 8 GiB - 1 (over)
    h = hs[-2][0]
    res.append(("attack-size-100mib.tar", set_size(data, h, b"%011o\x00" % (100 << 20)), "member header declares 100 MiB, archive ends"))
    k += 8
    ms = base(8, k); data = tar_bytes(ms); hs = header_offsets(data)
    res.append(("attack-size-8gib.tar", set_size(data, hs[-2][0], b"77777777777\x00"), "member header declares 8 GiB - 1 (over --max-member-mib)"))
    k += 8
    ms = base(8, k); data = tar_bytes(ms); hs = header_offsets(data)
    res.append(("attack-size-base256.tar", set_size(data, hs[4][0], b"\x80" + b"\x00" * 3 + struct.pack(">Q", 1 << 62)),
                "base-256 size field of 2^62 mid-archive"))
    k += 8
    ms = base(8, k); data = tar_bytes(ms); hs = header_offsets(data)
    cut = hs[9][1] + hs[9][2] // 2
    res.append(("attack-truncated.tar", data[:cut], f"cut in the middle of member 10 (byte {cut})"))
    cuts["attack-truncated.tar"] = complete_before(ms, cut)
    k += 8
    ms = base(8, k); data = tar_bytes(ms); hs = header_offsets(data)
    b = bytearray(data); b[hs[6][0] + 150] ^= 0x11
    res.append(("attack-bad-checksum.tar", bytes(b), "header checksum of member 7 broken"))
    k += 8
    ms = base(8, k)
    res.append(("attack-gzip.tar.gz", gzip.compress(tar_bytes(ms), mtime=0), "valid gzip tar (.tar.gz)"))
    k += 8
    ms = base(8, k)
    res.append(("attack-gzip-named.tar", gzip.compress(tar_bytes(ms), mtime=0), "gzip tar named .tar"))
    k += 8
    # gzip tars cut short: a small one (8 samples) and a larger one (120 samples, about 2 MB)
    for n, label in ((8, "small"), (120, "large")):
        ms = base(n, k); gz = gzip.compress(tar_bytes(ms), mtime=0)
        cut = len(gz) * 2 // 3
        name = f"attack-gzip-truncated-{label}.tar.gz"
        avail = gzip_available(gz[:cut])
        res.append((name, gz[:cut], f"gzip tar of {n} samples cut at 2/3 (byte {cut}; {avail} tar bytes before the cut)"))
        cuts[name] = complete_before(ms, avail)
        k += n
    ms = base(8, k); data = tar_bytes(ms, fmt=tarfile.PAX_FORMAT); hs = header_offsets(data)
    cut = hs[-1][1] + hs[-1][2] - 7
    res.append(("attack-pax-truncated-end.tar", data[:cut], "pax tar cut 7 bytes before the end of its last member (no end blocks)"))
    cuts["attack-pax-truncated-end.tar"] = complete_before(ms, cut)
    k += 8
    res.append(("attack-empty.tar", b"", "empty file"))
    res.append(("attack-random.tar", bytes(rng.randrange(256) for _ in range(20000)), "random bytes"))
    for name, data, _ in res:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return res, cuts, total[0]


# ------------------------------------------------------------------------------ running
def timed(cmd, timeout, stdout_path):
    """Runs cmd under /usr/bin/time -v; returns (rc, wall seconds, max RSS MiB, stderr tail)."""
    err_path = stdout_path + ".stderr"
    t0 = time.monotonic()
    with open(stdout_path, "wb") as so, open(err_path, "wb") as se:
        p = subprocess.Popen(["/usr/bin/time", "-v"] + cmd, stdout=so, stderr=se, start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            rc = "timeout"
    wall = time.monotonic() - t0
    err = open(err_path, "rb").read().decode("utf-8", "replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss = int(m.group(1)) / 1024 if m else None
    m = re.search(r"Command terminated by signal (\d+)", err)
    if m:
        rc = f"signal {m.group(1)}"
    m = re.search(r"Exit status: (\d+)", err)
    if m and rc not in ("timeout",) and not str(rc).startswith("signal"):
        rc = int(m.group(1))
    return rc, wall, rss, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=3200)
    ap.add_argument("--per-shard", type=int, default=100)
    ap.add_argument("--out", default="/tmp/synergen-hostile")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bin", default=os.environ.get("SYNERGEN_BIN", os.path.join(REPO, ".build/release/synergen-prep")))
    ap.add_argument("--tokenizer", default=os.path.join(REPO, "Tests/Fixtures/generated/text/qwen/tokenizer.json"))
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per command before it counts as a hang")
    ap.add_argument("--max-rss-mb", type=float, default=1536)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the corpus and outputs")
    a = ap.parse_args()
    binary = a.bin if os.path.isabs(a.bin) else os.path.join(REPO, a.bin)
    if not os.path.exists("/usr/bin/time") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("[hostile] installing GNU time (apt-get install time)")
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null",
                       shell=True, check=False)
    for path, hint in [(binary, "swift build -c release --product synergen-prep"), (a.tokenizer, "make test-fixtures"),
                       ("/usr/bin/time", "apt-get install -y time")]:
        if not os.path.exists(path):
            sys.exit(f"missing {path}: {hint}")

    t_start = time.monotonic()
    rng = random.Random(a.seed)
    shutil.rmtree(a.out, ignore_errors=True)
    data_dir = os.path.join(a.out, "corpus")
    os.makedirs(data_dir)
    photos = photo_files()
    enc = encodings(rng, photos, 120)
    print(f"[hostile] {len(photos)} photos, {len(enc)} base encodings "
          f"({sum(1 for e in enc if e[0] == 'jpg')} JPEG, {sum(1 for e in enc if e[0] == 'png')} PNG)")

    kinds, written, expected, kind_of, valid_keys = {}, 0, {}, {}, {}
    valid = {b for _, b in enc}
    name_of = lambda k: f"hostile-{k:06d}.tar"
    shard_names = []
    i = 0
    for s in range(0, a.samples, a.per_shard):
        members = []
        n = min(a.per_shard, a.samples - s)
        for _ in range(n):
            kind, ms = make_sample(rng, i, enc)
            kinds[kind] = kinds.get(kind, 0) + 1
            key = next((member_key(m) for m, _ in ms if member_key(m) is not None), None)
            if key is not None:
                kind_of[(name_of(len(shard_names)), key)] = kind
                # an untouched photo encoding (what Pillow decodes): must never get a decode reason
                for m, b in ms:
                    if member_key(m) == key and m.lower().endswith((".jpg", ".png")) and b in valid:
                        valid_keys[(name_of(len(shard_names)), key)] = "JPEG" if b[:2] == b"\xff\xd8" else "PNG"
            members += ms
            i += 1
        # a duplicate key, non-adjacent: the first sample of the shard again at the end
        members += [(members[0][0], members[0][1]), (members[0][0].rsplit(".", 1)[0] + ".txt", b"duplicate key")]
        kinds["dup-key"] = kinds.get("dup-key", 0) + 1
        written += n + 1
        name = name_of(len(shard_names))
        with open(os.path.join(data_dir, name), "wb") as f:
            f.write(tar_bytes(members))
        expected[name] = expected_samples(members)
        shard_names.append(name)
    attacks, cuts, attack_samples = attack_shards(rng, enc, data_dir, i + 1000)
    shard_names += [n for n, _, _ in attacks]
    written += attack_samples
    manifest = os.path.join(a.out, "hostile.txt")
    with open(manifest, "w") as f:  # names relative to the manifest's folder
        f.write("# hostile corpus (scripts/hostile_corpus.py)\n" + "".join(f"corpus/{n}\n" for n in shard_names))
    size = sum(os.path.getsize(os.path.join(data_dir, n)) for n in shard_names)
    print(f"[hostile] wrote {written} samples ({sum(expected.values())} by webdataset grouping in the "
          f"{len(expected)} mutated shards, + {len(attacks)} tar-level attack shards), {size / 1e6:.1f} MB, "
          f"in {time.monotonic() - t_start:.1f} s")
    print("[hostile] mutations: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))

    failures, notes = [], []
    vq = os.path.join(a.out, "vq.safetensors")
    subprocess.run([binary, "vq", "init", "--preset", "emu3", "--ch", "32", "--ch-mult", "1,1,2", "--res-blocks", "1",
                    "--attn-levels", "2", "--seed", "1", "--out", vq], check=True, capture_output=True)

    # inspect
    ins_out = os.path.join(a.out, "inspect.json")
    rc_i, wall_i, rss_i, err_i = timed([binary, "inspect", manifest, "--json", "--workers", str(a.workers)], a.timeout, ins_out)
    print(f"[hostile] inspect: exit {rc_i}, {wall_i:.1f} s, max RSS {rss_i:.0f} MiB" if rss_i else f"[hostile] inspect: exit {rc_i}")
    if rc_i != 0:
        failures.append(f"inspect exit {rc_i}: {err_i[-2000:]}")
    ins = None
    try:
        ins = json.load(open(ins_out))
    except Exception as e:
        failures.append(f"inspect --json output unreadable: {e}")

    # tokenize
    tok_dir = os.path.join(a.out, "tokenized")
    rc_t, wall_t, rss_t, err_t = timed([binary, "tokenize", manifest, "--out", tok_dir, "--vq-weights", vq, "--tokenizer", a.tokenizer,
                                        "--size", "64", "--workers", str(a.workers)], a.timeout, os.path.join(a.out, "tokenize.log"))
    print(f"[hostile] tokenize: exit {rc_t}, {wall_t:.1f} s, max RSS {rss_t:.0f} MiB" if rss_t else f"[hostile] tokenize: exit {rc_t}")
    if rc_t != 0:
        failures.append(f"tokenize exit {rc_t}: {err_t[-2000:]}")
    st = None
    p = subprocess.run([binary, "stats", tok_dir, "--json"], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        failures.append(f"stats --json exit {p.returncode}: {p.stderr[-1000:]}")
    else:
        st = json.loads(p.stdout)

    for label, rss in (("inspect", rss_i), ("tokenize", rss_t)):
        if rss is None:
            failures.append(f"{label}: no max RSS reported")
        elif rss > a.max_rss_mb:
            failures.append(f"{label}: max RSS {rss:.0f} MiB over {a.max_rss_mb:.0f} MiB")

    def sample_errors(errors):
        return sum(v for k, v in (errors or {}).items() if k not in SHARD_REASONS)

    if ins:
        if ins["ok"] + sample_errors(ins["errors"]) != ins["samples"]:
            failures.append(f"inspect total: ok {ins['ok']} + sample errors {sample_errors(ins['errors'])} != samples {ins['samples']}")
        for sh in ins.get("shards", []):
            if sh["ok"] + sample_errors(sh["errors"]) != sh["samples"]:
                failures.append(f"inspect {sh['path']}: ok {sh['ok']} + errors {sample_errors(sh['errors'])} != samples {sh['samples']}")
            name = os.path.basename(sh["path"])
            if name in expected and sh["samples"] != expected[name]:
                failures.append(f"inspect {name}: {sh['samples']} samples, webdataset grouping gives {expected[name]}")
    markers = {}
    for n in sorted(os.listdir(tok_dir)) if os.path.isdir(tok_dir) else []:
        if n.endswith(".stats.json"):
            m = json.load(open(os.path.join(tok_dir, n)))
            markers[os.path.basename(m["source"])] = m
            if m["samplesOut"] + sample_errors(m["errors"]) != m["samplesIn"]:
                failures.append(f"tokenize {n}: samplesOut {m['samplesOut']} + sample errors {sample_errors(m['errors'])} != samplesIn {m['samplesIn']}")
            if os.path.basename(m["source"]) in expected and m["samplesIn"] != expected[os.path.basename(m["source"])]:
                failures.append(f"tokenize {n}: samplesIn {m['samplesIn']}, webdataset grouping gives {expected[os.path.basename(m['source'])]}")
    missing = [n for n in shard_names if n not in markers]
    if missing:
        print(f"[hostile] no done-marker for: {', '.join(missing)}")
    if st and ins:
        s_in = sum(m["samplesIn"] for m in markers.values())
        s_out = sum(m["samplesOut"] for m in markers.values())
        if s_out + sample_errors(st["errors"]) != s_in:
            failures.append(f"tokenize total: samplesOut {s_out} + sample errors {sample_errors(st['errors'])} != samplesIn {s_in}")
        if s_in != ins["samples"]:
            failures.append(f"tokenize read {s_in} samples, inspect {ins['samples']}")
        if st["ok"] != s_out:
            failures.append(f"stats ok {st['ok']} != sum of samplesOut {s_out}")

    # report
    if ins:
        print(f"\n[hostile] inspect: {ins['samples']} samples, {ins['ok']} ok, failed shards {ins.get('failed_shards')}")
        for k, v in sorted(ins["errors"].items(), key=lambda kv: -kv[1]):
            print(f"    {k:20s} {v}")
    if st:
        s_in = sum(m["samplesIn"] for m in markers.values())
        print(f"[hostile] tokenize: {s_in} samples in, {st['ok']} out, {st.get('images')} images, {len(markers)} done-markers of {len(shard_names)} shards")
        for k, v in sorted(st["errors"].items(), key=lambda kv: -kv[1]):
            print(f"    {k:20s} {v}")
    if markers:
        # what each mutation became, from the done-markers' keys by reason (every key is listed)
        table = {}
        for shard, m in markers.items():
            if shard not in expected:
                continue
            reason_of = {}
            for reason, keys in m.get("errorKeys", {}).items():
                if reason in SHARD_REASONS or reason == "duplicate-key":
                    continue
                for k in keys:
                    reason_of.setdefault(k, reason)
            for (sh, key), kind in kind_of.items():
                if sh == shard:
                    r = reason_of.get(key, "ok")
                    table.setdefault(kind, {}).setdefault(r, 0)
                    table[kind][r] += 1
        # valid images reported as undecodable (corrupt / truncated / unsupported / too-large)
        wrong = []
        for shard, m in markers.items():
            for reason in ("corrupt", "truncated", "unsupported", "too-large"):
                for k in m.get("errorKeys", {}).get(reason, []):
                    if (shard, k) in valid_keys:
                        wrong.append((valid_keys[(shard, k)], f"{shard}:{k}:{reason}"))
        counts = {}
        for (shard, _), fmt in valid_keys.items():
            if shard in markers:
                counts.setdefault(fmt, [0, 0])[0] += 1
        for fmt, _ in wrong:
            counts[fmt][1] += 1
        split = ", ".join(f"{fmt} {w} of {n}" for fmt, (n, w) in sorted(counts.items()))
        print(f"[hostile] untouched photo encodings (Pillow decodes them) reported undecodable by tokenize: {split}")
        if wrong:
            failures.append(f"tokenize: valid images reported undecodable ({split}), e.g. " + ", ".join(w for _, w in wrong[:8]))
        print("[hostile] tokenize outcome by mutation (first sample of each key; a dup-key's later copy is counted apart):")
        for kind in sorted(table, key=lambda k: -sum(table[k].values())):
            print(f"    {kind:22s} " + ", ".join(f"{r} {n}" for r, n in sorted(table[kind].items(), key=lambda kv: -kv[1])))
    print("[hostile] attack shards (inspect | tokenize):")
    by_path = {os.path.basename(sh["path"]): sh for sh in (ins or {}).get("shards", [])}
    for name, _, what in attacks:
        sh, mk = by_path.get(name), markers.get(name)
        ins_s = f"{sh['samples']} samples, {sh['ok']} ok, {sh['errors']}" if sh else "not listed"
        tok_s = f"{mk['samplesIn']} in, {mk['samplesOut']} out, {mk['errors']}, complete={mk['complete']}" if mk else "no marker"
        print(f"    {name:30s} {what}\n        inspect: {ins_s}\n        tokenize: {tok_s}")
    for name, want in cuts.items():
        sh, mk = by_path.get(name), markers.get(name)
        got = [x["ok"] if x is sh else x["samplesOut"] for x in (sh, mk) if x]
        line = f"{name}: {want} samples complete before the cut; kept: inspect {sh and sh['ok']}, tokenize {mk and mk['samplesOut']}"
        if any(g != want for g in got):
            (failures if "gzip" not in name else notes).append(line)
        print("    " + line)
    print(f"[hostile] max RSS: inspect {rss_i and round(rss_i)} MiB, tokenize {rss_t and round(rss_t)} MiB (limit {a.max_rss_mb:.0f}); "
          f"wall: inspect {wall_i:.1f} s, tokenize {wall_t:.1f} s; total {time.monotonic() - t_start:.1f} s")
    if not a.keep:
        shutil.rmtree(a.out, ignore_errors=True)
    if notes:
        print("\nNOTE (not counted as failures: libarchive's gzip filter drops the data it inflated when the input ends early):")
        for n in notes:
            print("  " + n)
    if failures:
        print(f"\nFAIL: {len(failures)} problem(s):")
        for f in failures[:50]:
            print("  " + f)
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
