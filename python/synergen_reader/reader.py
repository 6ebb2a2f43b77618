"""Packed shard reader: one zstd frame per sequence, found through a u64 offset table."""
from __future__ import annotations

import hashlib
import json
import os
import struct
from typing import Any, Dict, List

import numpy as np
import zstandard

MAGIC = b"SGPACKSH"
VERSION = 1
# The largest sequence record inflated (as the Swift reader): a frame declaring more is refused unread.
MAX_SEQUENCE_BYTES = 256 << 20
# The longest sequence a record may declare (its arrays are padded to it): 64 × the 16,384 of SFT.
MAX_SEQUENCE_LENGTH = 1 << 20
MODALITY_TEXT = 0
MODALITY_IMAGE = 1
TASKS = {0: "und", 1: "gen", 2: "uncond"}
ROLES = {0: "generation", 1: "tile", 2: "thumbnail"}

_IMAGE = np.dtype([("start", "<u4"), ("positions", "<u4"), ("grid_rows", "<u2"), ("grid_cols", "<u2"),
                   ("fold_rows", "u1"), ("fold_cols", "u1"), ("role", "u1"), ("tile_row", "<u2"), ("tile_col", "<u2")])


class FormatError(ValueError):
    """A file that does not follow FORMAT.md."""


class HashMismatch(FormatError):
    """A shard whose size or SHA-256 differs from index.json."""


def decode_sequence(body: bytes, pad_id: int = 0) -> Dict[str, Any]:
    """Decodes one sequence record (an inflated frame) into numpy arrays padded to the sequence length.

    A damaged record raises ``FormatError`` whatever is wrong in it (a field past its end, a key
    that is not UTF-8, ...), never another exception."""
    try:
        return _decode_sequence(body, pad_id)
    except FormatError:
        raise
    except (struct.error, UnicodeDecodeError, ValueError, IndexError, OverflowError) as e:
        raise FormatError(f"damaged sequence record: {e}") from None


def _decode_sequence(body: bytes, pad_id: int) -> Dict[str, Any]:
    if len(body) < 20:
        raise FormatError("sequence record too short")
    seq_len, used, n_docs, n_images, n_codes = struct.unpack_from("<5I", body, 0)
    if used > seq_len or 20 + used * 10 + n_codes * 2 > len(body):
        raise FormatError("sequence header does not fit its record")
    if seq_len > MAX_SEQUENCE_LENGTH:   # the arrays are padded to it: refuse before allocating
        raise FormatError(f"sequence length {seq_len} over {MAX_SEQUENCE_LENGTH}")
    off = 20
    ids = np.frombuffer(body, "<i4", used, off); off += 4 * used
    modality = np.frombuffer(body, "u1", used, off); off += used
    loss = np.frombuffer(body, "u1", used, off); off += used
    pos = np.frombuffer(body, "<i4", used, off); off += 4 * used
    docs: List[Dict[str, Any]] = []
    for _ in range(n_docs):
        start, length, first, count, task, klen = struct.unpack_from("<4IBI", body, off)
        off += 21
        key = body[off:off + klen].decode("utf-8"); off += klen
        if task not in TASKS:
            raise FormatError(f"unknown task {task}")
        docs.append({"task": TASKS[task], "key": key, "start": start, "length": length,
                     "first_image": first, "image_count": count})
    images = np.frombuffer(body, _IMAGE, n_images, off).copy(); off += _IMAGE.itemsize * n_images
    codes = np.frombuffer(body, "<u2", n_codes, off); off += 2 * n_codes
    if off != len(body):
        raise FormatError("trailing bytes in sequence record")
    pad = seq_len - used
    m_n = int(images["fold_rows"][0]) * int(images["fold_cols"][0]) if n_images else 1
    out = {
        "sequence_length": seq_len,
        "used": used,
        "pad_length": pad,
        "input_ids": np.concatenate([ids, np.full(pad, pad_id, np.int32)]).astype(np.int32),
        "modality": np.concatenate([modality, np.zeros(pad, np.uint8)]),
        "loss_mask": np.concatenate([loss, np.zeros(pad, np.uint8)]),
        "position_ids": np.concatenate([pos, np.zeros(pad, np.int32)]).astype(np.int32),
        # One row of m·n codes (folded order) per image position, in position order.
        "codes": codes.reshape(-1, m_n) if n_codes else np.zeros((0, m_n), np.uint16),
        "cu_seqlens": np.array([0] + [d["start"] + d["length"] for d in docs], np.int32),
        "documents": docs,
        "images": images,
    }
    return out


class PackedShardReader:
    """One ``.pack`` file: reads the offset table, then inflates one frame per sequence."""

    def __init__(self, path: str, pad_id: int = 0):
        self.path = path
        self.pad_id = pad_id
        with open(path, "rb") as f:
            head = f.read(24)
            if len(head) < 24 or head[:8] != MAGIC:
                raise FormatError(f"{path}: not a packed shard (bad magic)")
            version, _, count = struct.unpack_from("<IIQ", head, 8)
            if version != VERSION:
                raise FormatError(f"{path}: format version {version}; this reader reads {VERSION}")
            size = os.fstat(f.fileno()).st_size
            # The table and every frame must lie inside the file: checked before anything is read.
            if count >= 1 << 32 or 24 + 8 * (count + 1) > size:
                raise FormatError(f"{path}: sequence count {count} does not fit the {size}-byte file")
            table = f.read(8 * (count + 1))
        if len(table) != 8 * (count + 1):
            raise FormatError(f"{path}: offset table ends early")
        offsets = np.frombuffer(table, "<u8")
        if offsets[0] < 24 + 8 * (count + 1) or int(offsets[-1]) != size:
            raise FormatError(f"{path}: offset table does not span the file")
        # Compared as unsigned (np.diff would wrap): then every offset lies in [table end, size].
        if np.any(offsets[1:] < offsets[:-1]):
            raise FormatError(f"{path}: offset table not increasing")
        self.offsets = offsets.astype(np.int64)
        self._dctx = zstandard.ZstdDecompressor()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> bytes:
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        with open(self.path, "rb") as f:
            f.seek(a)
            frame = f.read(b - a)
        if len(frame) != b - a:
            raise FormatError(f"{self.path}: sequence {i} ends early")
        try:
            declared = zstandard.frame_content_size(frame)
        except zstandard.ZstdError as e:
            raise FormatError(f"{self.path}: sequence {i}: {e}") from None
        if declared > MAX_SEQUENCE_BYTES or declared < 0:
            raise FormatError(f"{self.path}: sequence {i} declares {declared} bytes (over {MAX_SEQUENCE_BYTES}, or unknown)")
        try:
            return self._dctx.decompress(frame)
        except zstandard.ZstdError as e:
            raise FormatError(f"{self.path}: sequence {i}: {e}") from None

    def __getitem__(self, i: int) -> Dict[str, Any]:
        if not 0 <= i < len(self):
            raise IndexError(i)
        return decode_sequence(self.raw(i), self.pad_id)


class PackedDataset:
    """A packed folder (``index.json`` + ``pack-*.pack``); ``data[i]`` is sequence i (shards in index order)."""

    def __init__(self, folder: str, verify: bool = False):
        self.folder = folder
        with open(os.path.join(folder, "index.json"), encoding="utf-8") as f:
            self.index = json.load(f)
        if self.index.get("format") != "synergen-packed" or self.index.get("formatVersion") != VERSION:
            raise FormatError(f"{folder}: not a version-{VERSION} packed folder")
        self.config = self.index["config"]
        self.shards = self.index["shards"]
        self._starts = np.cumsum([0] + [s["sequences"] for s in self.shards])
        self._readers: Dict[int, PackedShardReader] = {}
        if verify:
            problems = self.verify()
            if problems:
                raise HashMismatch("; ".join(problems))

    def verify(self) -> List[str]:
        """Checks each shard's byte size and SHA-256 against index.json; returns the problems found."""
        problems = []
        for s in self.shards:
            path = os.path.join(self.folder, s["file"])
            try:
                size = os.path.getsize(path)
                if size != s["bytes"]:
                    problems.append(f"{s['file']}: {size} bytes, index says {s['bytes']}")
                h = hashlib.sha256()
                with open(path, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                if h.hexdigest() != s["sha256"]:
                    problems.append(f"{s['file']}: SHA-256 differs from the index")
            except OSError as e:
                problems.append(f"{s['file']}: {e}")
        return problems

    def __len__(self) -> int:
        return int(self._starts[-1])

    def shard_of(self, i: int):
        shard = int(np.searchsorted(self._starts, i, side="right")) - 1
        return shard, i - int(self._starts[shard])

    def __getitem__(self, i: int) -> Dict[str, Any]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        shard, j = self.shard_of(i)
        reader = self._readers.get(shard)
        if reader is None:
            reader = PackedShardReader(os.path.join(self.folder, self.shards[shard]["file"]), self.config["padID"])
            self._readers[shard] = reader
        return reader[j]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
