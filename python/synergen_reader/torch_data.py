"""PyTorch datasets over a packed folder. Importing this module imports torch; the rest of the
package does not need it."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset, get_worker_info

from .reader import PackedDataset


def to_tensors(seq: Dict[str, Any]) -> Dict[str, Any]:
    """numpy arrays → tensors (documents and images tables kept as they are)."""
    out = dict(seq)
    for k in ("input_ids", "modality", "loss_mask", "position_ids", "cu_seqlens"):
        out[k] = torch.from_numpy(np.ascontiguousarray(seq[k]).astype(np.int64 if k != "cu_seqlens" else np.int32))
    out["codes"] = torch.from_numpy(np.ascontiguousarray(seq["codes"]).astype(np.int64))
    out["loss_mask"] = out["loss_mask"].bool()
    return out


class PackedTorchDataset(Dataset):
    """Map-style: ``ds[i]`` is sequence i as tensors (use a DistributedSampler to split by rank)."""

    def __init__(self, folder: str, verify: bool = False):
        self.folder = folder
        self._data: Optional[PackedDataset] = PackedDataset(folder, verify=verify)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, i: int) -> Dict[str, Any]:
        return to_tensors(self._data[i])


class PackedIterableDataset(IterableDataset):
    """Iterable: sequence i goes to the (rank, worker) with ``i % (world_size·workers) == rank·workers + worker``;
    with ``shuffle`` the order is a permutation seeded by ``seed + epoch`` (the same on every rank)."""

    def __init__(self, folder: str, rank: int = 0, world_size: int = 1, shuffle: bool = False, seed: int = 0):
        self.folder, self.rank, self.world_size = folder, rank, world_size
        self.shuffle, self.seed, self.epoch = shuffle, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def indices(self, worker: int = 0, workers: int = 1):
        n = len(PackedDataset(self.folder))
        order = np.random.default_rng(self.seed + self.epoch).permutation(n) if self.shuffle else np.arange(n)
        slot, slots = self.rank * workers + worker, self.world_size * workers
        return [int(i) for k, i in enumerate(order) if k % slots == slot]

    def __iter__(self):
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        data = PackedDataset(self.folder)
        for i in self.indices(worker, workers):
            yield to_tensors(data[i])
