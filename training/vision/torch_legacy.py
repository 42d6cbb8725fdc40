"""Read a PyTorch checkpoint into numpy arrays without importing torch.

Two layouts exist. Since torch 1.6 a `.pth` is a zip holding `data.pkl` plus one raw file per
tensor storage. Before that (the `mobilenet_v2-b0353104.pth` of torchvision is one) it is a
single stream: pickled magic number, protocol version and system info, then the pickled state
dict whose tensors refer to storages by key (persistent ids), then the pickled list of storage
keys, then each storage as an int64 element count followed by its raw little-endian bytes.
Both are handled: tensors are rebuilt as numpy arrays with their size, stride and offset.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class _StorageRef:
    """A storage named in the pickle; its bytes are attached once they have been read."""

    def __init__(self, dtype: np.dtype[Any]) -> None:
        self.dtype = dtype
        self.data: np.ndarray | None = None


class _TensorRef:
    def __init__(
        self, storage: _StorageRef, offset: int, size: tuple[int, ...], stride: tuple[int, ...]
    ) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def materialise(self) -> np.ndarray:
        data = self.storage.data
        if data is None:
            raise ValueError("a tensor refers to a storage that the file does not contain")
        item = data.dtype.itemsize
        return np.lib.stride_tricks.as_strided(
            data[self.offset :],
            shape=self.size,
            strides=tuple(s * item for s in self.stride),
        ).copy()


def _rebuild_tensor(
    storage: _StorageRef, offset: int, size: tuple[int, ...], stride: tuple[int, ...], *_: Any
) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _DTYPES[name]


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, storages: dict[str, _StorageRef]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        raise pickle.UnpicklingError(f"unexpected global {module}.{name} in a state dict")

    def persistent_load(self, pid: Any) -> _StorageRef:
        # ('storage', storage_type, key, location, numel[, view_metadata])
        _, storage_type, key, *_ = pid
        key = str(key)
        if key not in self.storages:
            self.storages[key] = _StorageRef(storage_type.dtype)
        return self.storages[key]


def _materialise(obj: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: v.materialise() for k, v in obj.items() if isinstance(v, _TensorRef)}


def _load_zip(path: Path) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pkl = next(n for n in names if n.endswith("data.pkl"))
        prefix = pkl[: -len("data.pkl")]
        storages: dict[str, _StorageRef] = {}
        state = _Unpickler(io.BytesIO(archive.read(pkl)), storages).load()
        for key, ref in storages.items():
            ref.data = np.frombuffer(archive.read(f"{prefix}data/{key}"), dtype=ref.dtype)
    return _materialise(state)


def _load_legacy(raw: bytes) -> dict[str, np.ndarray]:
    stream = io.BytesIO(raw)
    if pickle.load(stream) != _LEGACY_MAGIC:
        raise ValueError("not a PyTorch checkpoint (bad magic number)")
    pickle.load(stream)  # protocol version
    pickle.load(stream)  # system info (endianness, type sizes)
    storages: dict[str, _StorageRef] = {}
    state = _Unpickler(stream, storages).load()
    keys = pickle.load(stream)
    for key in keys:
        ref = storages[str(key)]
        (count,) = struct.unpack("<q", stream.read(8))
        nbytes = count * ref.dtype.itemsize
        ref.data = np.frombuffer(stream.read(nbytes), dtype=ref.dtype, count=count)
    return _materialise(state)


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a PyTorch state dict file, by name, as numpy arrays."""
    if zipfile.is_zipfile(path):
        return _load_zip(path)
    return _load_legacy(path.read_bytes())
