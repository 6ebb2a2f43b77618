"""Invariants of the packed shards the Swift CLI writes (scripts/make_pack_fixtures.sh)."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from synergen_reader import MODALITY_IMAGE, MODALITY_TEXT, HashMismatch, PackedDataset

from conftest import BINARY

FOLDERS = ["packed", "packed-short", "packed-together", "packed-groups", "packed-ranks"]


def all_sequences(folder):
    data = PackedDataset(str(folder), verify=True)
    return data, [data[i] for i in range(len(data))]


@pytest.mark.parametrize("name", FOLDERS)
def test_documents_whole_positions_restart_cu_seqlens(fixtures, name):
    data, seqs = all_sequences(fixtures / name)
    L = data.config["sequenceLength"]
    keys = []
    for s in seqs:
        assert s["sequence_length"] == L and len(s["input_ids"]) == L
        cu = s["cu_seqlens"]
        assert cu[0] == 0 and cu[-1] == s["used"] and np.all(np.diff(cu) > 0)
        assert s["used"] + s["pad_length"] == L
        for d, a, b in zip(s["documents"], cu[:-1], cu[1:]):
            assert d["start"] == a and d["start"] + d["length"] == b
            assert np.array_equal(s["position_ids"][a:b], np.arange(b - a))
            keys.append((d["task"] in ("gen", "uncond"), d["key"]))
        assert np.all(s["input_ids"][s["used"]:] == data.config["padID"])
        assert not s["loss_mask"][s["used"]:].any() and not s["modality"][s["used"]:].any()
    # Every (task kind, sample) appears at most once: no document split across sequences or repeated.
    assert len(keys) == len(set(keys)) == data.index["totals"]["documents"]


@pytest.mark.parametrize("name", FOLDERS)
def test_loss_only_where_specified(fixtures, name):
    data, seqs = all_sequences(fixtures / name)
    c = data.config
    boi, eoi, uncond = c["imageTokens"]["boi"], c["imageTokens"]["eoi"], c["imageTokens"]["uncond"]
    for s in seqs:
        ids, mod, loss = s["input_ids"], s["modality"], s["loss_mask"]
        assert np.all((mod == MODALITY_IMAGE) == (ids == c["imagePlaceholderID"]))
        for d in s["documents"]:
            a, b = d["start"], d["start"] + d["length"]
            lossy = np.nonzero(loss[a:b])[0] + a
            images = s["images"][d["first_image"]:d["first_image"] + d["image_count"]]
            if d["task"] == "und":
                # Loss on the answer text and its <|im_end|>: text only, one contiguous run.
                assert np.all(mod[lossy] == MODALITY_TEXT)
                assert len(lossy) > 0 and np.all(np.diff(lossy) == 1)
                assert ids[lossy[-1]] == c["turnEndID"]
                assert lossy[0] > images["start"].max()
            else:
                # Loss exactly on the image positions and <eoi>; <boi> carries none.
                assert len(images) == 1
                img = images[0]
                expected = np.arange(img["start"], img["start"] + img["positions"] + 1)
                assert np.array_equal(lossy, expected)
                assert ids[img["start"] - 1] == boi and ids[expected[-1]] == eoi
                assert (uncond in ids[a:b]) == (d["task"] == "uncond")


@pytest.mark.parametrize("name", FOLDERS)
def test_codes_per_image_position(fixtures, name):
    data, seqs = all_sequences(fixtures / name)
    m, n = data.config["fold"]["rows"], data.config["fold"]["cols"]
    for s in seqs:
        image_positions = int((s["modality"] == MODALITY_IMAGE).sum())
        assert s["codes"].shape == (image_positions, m * n)
        assert int(s["images"]["positions"].sum()) == image_positions
        for img in s["images"]:
            assert img["positions"] == (img["grid_rows"] // m) * (img["grid_cols"] // n)
            assert np.all(s["modality"][img["start"]:img["start"] + img["positions"]] == MODALITY_IMAGE)
        assert int(s["codes"].max(initial=0)) < data.config["codebookSize"]


@pytest.mark.parametrize("name", FOLDERS)
def test_fill_reported_equals_measured(fixtures, name):
    data, seqs = all_sequences(fixtures / name)
    t = data.index["totals"]
    used = sum(s["used"] for s in seqs)
    total = len(seqs) * data.config["sequenceLength"]
    assert t["sequences"] == len(seqs)
    assert t["positions"] == used and t["padPositions"] == total - used
    assert sum(len(s["documents"]) for s in seqs) == t["documents"]
    if BINARY.exists():
        out = subprocess.run([str(BINARY), "stats", str(fixtures / name), "--json"], check=True, capture_output=True, text=True).stdout
        stats = json.loads(out)
        assert stats["fill"] == pytest.approx(used / total, abs=1e-12)
        assert stats["sequences"] == len(seqs) and stats["pad_positions"] == total - used


def test_too_long_dropped_and_counted(fixtures):
    data, seqs = all_sequences(fixtures / "packed-short")
    assert data.index["totals"]["dropped"].get("too-long", 0) > 0
    assert all(d["length"] <= 100 for s in seqs for d in s["documents"])


def test_views_delimited_together(fixtures):
    data, seqs = all_sequences(fixtures / "packed-together")
    assert data.config["viewDelimiting"] == "together"
    boi = data.config["imageTokens"]["boi"]
    for s in seqs:
        for d in s["documents"]:
            count = int((s["input_ids"][d["start"]:d["start"] + d["length"]] == boi).sum())
            assert count == 1


@pytest.mark.skipif(not BINARY.exists(), reason="no debug binary: swift build")
@pytest.mark.parametrize("name", FOLDERS)
def test_swift_reader_equals_python_reader(fixtures, name):
    data, seqs = all_sequences(fixtures / name)
    for i, s in enumerate(seqs):
        out = subprocess.run([str(BINARY), "show", str(fixtures / name), "--seq", str(i), "--json"],
                             check=True, capture_output=True, text=True).stdout
        swift = json.loads(out)
        u = s["used"]
        assert swift["ids"] == s["input_ids"][:u].tolist()
        assert swift["modality"] == s["modality"][:u].tolist()
        assert swift["loss"] == s["loss_mask"][:u].tolist()
        assert swift["position_ids"] == s["position_ids"][:u].tolist()
        assert swift["codes"] == s["codes"].reshape(-1).tolist()
        assert swift["cu_seqlens"] == s["cu_seqlens"].tolist()
        assert swift["pad_length"] == s["pad_length"]
        assert [(d["task"], d["key"], d["start"], d["length"]) for d in swift["documents"]] == \
               [(d["task"], d["key"], d["start"], d["length"]) for d in s["documents"]]
        assert [(im["start"], im["positions"], im["grid"], im["role"]) for im in swift["images"]] == \
               [(int(im["start"]), int(im["positions"]), [int(im["grid_rows"]), int(im["grid_cols"])],
                 {0: "generation", 1: "tile", 2: "thumbnail"}[int(im["role"])]) for im in s["images"]]


def test_corrupted_byte_is_detected(fixtures, tmp_path):
    copy = tmp_path / "packed"
    shutil.copytree(fixtures / "packed", copy)
    data = PackedDataset(str(copy), verify=True)
    shard = copy / data.shards[0]["file"]
    raw = bytearray(shard.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    shard.write_bytes(bytes(raw))
    assert any("SHA-256" in p for p in PackedDataset(str(copy)).verify())
    with pytest.raises(HashMismatch):
        PackedDataset(str(copy), verify=True)


def test_headers_that_do_not_fit_the_file_are_refused_unread(fixtures, tmp_path):
    """A count or offsets beyond the file, or a frame declaring a huge size: FormatError, nothing allocated."""
    from synergen_reader import reader as r
    import struct as st
    good = (fixtures / "packed" / PackedDataset(str(fixtures / "packed")).shards[0]["file"]).read_bytes()
    def refused(raw):
        path = tmp_path / "x.pack"
        path.write_bytes(bytes(raw))
        with pytest.raises(r.FormatError) as e:
            s = r.PackedShardReader(str(path))
            for i in range(len(s)):
                s.raw(i)
        return str(e.value)
    assert "does not fit" in refused(good[:16] + st.pack("<Q", 2**63) + good[24:])
    assert "does not fit" in refused(good[:16] + st.pack("<Q", 2**31) + good[24:])
    assert "does not span" in refused(good[:-1])
    first = st.unpack_from("<Q", good, 24)[0]
    # The first frame's header claims 2 GB of content (frame header: magic, descriptor with an 8-byte size).
    frame = bytes.fromhex("28b52ffd") + bytes([0xe0]) + st.pack("<Q", 2**31)
    bomb = bytearray(good)
    bomb[first:first + len(frame)] = frame
    assert "declares" in refused(bomb) or "sequence 0" in refused(bomb)


def test_one_sequence_read_alone(fixtures):
    """The offset table lets a reader inflate one frame: frames are independent zstd frames."""
    data = PackedDataset(str(fixtures / "packed"))
    last = data[len(data) - 1]
    first = data[0]
    assert first["used"] > 0 and last["used"] > 0


def test_index_records_what_trainer_and_model_share(fixtures):
    c = PackedDataset(str(fixtures / "packed")).config
    for key in ("imageTokens", "imagePlaceholderID", "padID", "fold", "codebookSize", "tokenizerSHA256",
                "vqWeightsSHA256", "template", "sequenceLength", "turnStartID", "turnEndID"):
        assert key in c
    assert c["imagePlaceholderID"] == c["imageTokens"]["vocabularySize"]


def same(a, b):
    """Deep equality of sequence records (dicts, lists, numpy arrays, scalars)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def test_merged_folder_reads_like_one_rank(fixtures):
    """Two ranks + merge and one process write the same index and sequences (pack groups of 1 shard)."""
    one = PackedDataset(str(fixtures / "packed-groups"), verify=True)
    many = PackedDataset(str(fixtures / "packed-ranks"), verify=True)
    assert one.index == many.index and len(one.index["groups"]) == 3
    assert len(one) == len(many) > 0
    assert all(same(one[i], many[i]) for i in range(len(one)))


def test_fuzz_findings_stay_fixed():
    """Inputs the Python reader's fuzz target found (Fuzz/crashes/PyPackedReader/), replayed by that
    target's own `run`: a damaged record raises FormatError only (a key that is not UTF-8 raised
    UnicodeDecodeError before)."""
    import importlib.util
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("fuzz_packed_reader", root / "Fuzz" / "python" / "fuzz_packed_reader.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    findings = sorted((root / "Fuzz" / "crashes" / "PyPackedReader").glob("crash-*"))
    assert findings
    for path in findings:
        fuzz.run(path.read_bytes())
