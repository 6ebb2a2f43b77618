"""PyTorch datasets: skipped when torch is not installed."""
import pytest

torch = pytest.importorskip("torch")

from synergen_reader import PackedDataset  # noqa: E402
from synergen_reader.torch_data import PackedIterableDataset, PackedTorchDataset  # noqa: E402


def test_map_style(fixtures):
    ds = PackedTorchDataset(str(fixtures / "packed"))
    item = ds[0]
    assert item["input_ids"].shape == (PackedDataset(str(fixtures / "packed")).config["sequenceLength"],)
    assert item["loss_mask"].dtype == torch.bool


def test_iterable_splits_by_rank_and_worker(fixtures):
    folder = str(fixtures / "packed")
    n = len(PackedDataset(folder))
    seen = []
    for rank in range(2):
        ds = PackedIterableDataset(folder, rank=rank, world_size=2, shuffle=True, seed=1)
        for worker in range(2):
            seen += ds.indices(worker, 2)
    assert sorted(seen) == list(range(n))
