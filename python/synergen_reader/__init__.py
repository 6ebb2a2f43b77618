"""Reader for the packed shards that ``synergen-prep pack`` writes (FORMAT.md, "Packed shards").

>>> from synergen_reader import PackedDataset
>>> data = PackedDataset("shards/packed", verify=True)
>>> seq = data[0]          # dict of numpy arrays: input_ids, modality, loss_mask, position_ids, codes, cu_seqlens, ...

PyTorch datasets live in ``synergen_reader.torch_data`` (torch is imported only there).
"""
from .reader import (PackedDataset, PackedShardReader, FormatError, HashMismatch, decode_sequence,
                     MODALITY_TEXT, MODALITY_IMAGE, TASKS)

__all__ = ["PackedDataset", "PackedShardReader", "FormatError", "HashMismatch", "decode_sequence",
           "MODALITY_TEXT", "MODALITY_IMAGE", "TASKS"]
