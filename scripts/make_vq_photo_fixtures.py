#!/usr/bin/env python3
"""Real photos for the VQ determinism tests (Tests/Fixtures/generated/vq-photos/).

Near-ties in a codebook show up on real photos, not on synthetic images, so the thread- and
worker-invariance tests encode these: photos from the scikit-image and matplotlib wheels as
shipped, resized to other shapes (a 550×660 portrait) and to extreme aspect ratios (a 3000×60
panorama, a 60×1500 strip), as JPEG and PNG. Written as files and, with captions, as one
WebDataset corpus of three shards (`webdataset.TarWriter`, `photos.txt` lists them) for the
`tokenize --workers` test.
"""
import io
import os
import sys

try:
    import matplotlib
    import skimage
    import webdataset as wds
    from PIL import Image
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_vq_photo_fixtures: missing Python package ({e}). "
             "Run: pip install pillow scikit-image matplotlib webdataset")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "Fixtures", "generated", "vq-photos")
SK = os.path.join(os.path.dirname(skimage.__file__), "data")
MPL = os.path.join(matplotlib.get_data_path(), "sample_data")


def encoded(image, fmt):
    buf = io.BytesIO()
    image.save(buf, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buf.getvalue()


def photos():
    """(key, bytes, extension, caption) of every fixture photo."""
    def raw(path):
        return open(path, "rb").read()
    astronaut = Image.open(os.path.join(SK, "astronaut.png")).convert("RGB")
    coffee = Image.open(os.path.join(SK, "coffee.png")).convert("RGB")
    rocket = Image.open(os.path.join(SK, "rocket.jpg")).convert("RGB")
    return [
        ("chelsea", raw(os.path.join(SK, "chelsea.png")), "png", "a ginger cat looking to the side"),
        ("rocket", raw(os.path.join(SK, "rocket.jpg")), "jpg", "a rocket on its launch pad"),
        ("hopper", raw(os.path.join(MPL, "grace_hopper.jpg")), "jpg", "a portrait of a woman in uniform"),
        ("portrait", encoded(astronaut.resize((550, 660), Image.BICUBIC), "JPEG"), "jpg", "an astronaut in a white suit"),
        ("panorama", encoded(coffee.resize((3000, 60), Image.BICUBIC), "JPEG"), "jpg", "a very wide strip of a coffee cup"),
        ("strip", encoded(rocket.resize((60, 1500), Image.BICUBIC), "PNG"), "png", "a very tall strip of a rocket"),
    ]


def main():
    os.makedirs(os.path.join(OUT, "files"), exist_ok=True)
    items = photos()
    for key, data, ext, _ in items:
        with open(os.path.join(OUT, "files", f"{key}.{ext}"), "wb") as f:
            f.write(data)
    for shard in range(3):
        with wds.TarWriter(os.path.join(OUT, f"photos-{shard:06d}.tar")) as sink:
            for key, data, ext, caption in items[2 * shard:2 * shard + 2]:
                sink.write({"__key__": key, ext: data, "txt": caption})
    with open(os.path.join(OUT, "photos.txt"), "w") as f:
        f.write("photos-{000000..000002}.tar\n")
    print(f"vq photo fixtures in {OUT}")


if __name__ == "__main__":
    main()
