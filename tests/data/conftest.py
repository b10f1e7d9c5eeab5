"""Writers of tiny datasets in the real on-disk formats, so the real torchvision readers run on them.

- idx (MNIST, Fashion-MNIST): big-endian header (0, 0, type 0x08 = uint8, number of dims), one
  big-endian int32 per dim, then the bytes.
- CIFAR-10 python batches: pickled dicts {"data": uint8 (n, 3072) as R, G, B planes of 32x32,
  "labels": list of int, ...}, and batches.meta {"label_names": [...]}, in cifar-10-batches-py/.
"""

from __future__ import annotations

import gzip
import hashlib
import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torchvision

from gradekit import data


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> None:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    payload = header + array.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(payload))
    else:
        path.write_bytes(payload)


def write_idx_dataset(
    root: Path, folder: str, n_train: int = 12, n_test: int = 5, seed: int = 0, compress: bool = False
) -> dict:
    """root/<folder>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]; returns the arrays written."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        write_idx(root / folder / "raw" / f"{prefix}-images-idx3-ubyte", images, compress)
        write_idx(root / folder / "raw" / f"{prefix}-labels-idx1-ubyte", labels, compress)
        arrays[prefix] = (images, labels)
    return arrays


def write_cifar10(root: Path, per_batch: int = 2, seed: int = 0) -> dict:
    """root/cifar-10-batches-py with data_batch_1..5, test_batch, batches.meta; returns
    {file name: (images uint8 (n, 32, 32, 3), labels)} and "md5" {file name: md5}."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    written, md5 = {}, {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        images = rng.integers(0, 256, size=(per_batch, 32, 32, 3), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, size=per_batch)]
        batch = {
            "batch_label": name,
            "labels": labels,
            "data": images.transpose(0, 3, 1, 2).reshape(per_batch, 3072),  # channel planes, as the real files
            "filenames": [f"{name}_{i}.png" for i in range(per_batch)],
        }
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        written[name] = (images, labels)
    meta = {"label_names": list(data.CIFAR10_CLASSES), "num_cases_per_batch": per_batch, "num_vis": 3072}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    for path in folder.iterdir():
        md5[path.name] = hashlib.md5(path.read_bytes()).hexdigest()
    written["md5"] = md5
    return written


def register_cifar10_checksums(monkeypatch, md5: dict) -> None:
    """Make torchvision's CIFAR10 expect the tiny files' MD5s (it verifies every file against the real ones)."""
    cls = torchvision.datasets.CIFAR10
    monkeypatch.setattr(cls, "train_list", [[name, md5[name]] for name, _ in cls.train_list])
    monkeypatch.setattr(cls, "test_list", [[name, md5[name]] for name, _ in cls.test_list])
    monkeypatch.setattr(cls, "meta", {**cls.meta, "md5": md5["batches.meta"]})


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No $GRADEKIT_DATA, and a fresh cache folder: each test states what data it sees."""
    monkeypatch.delenv("GRADEKIT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def tiny():
    """The writers above, for test modules (importlib mode keeps conftest.py off their imports)."""
    return SimpleNamespace(
        write_idx=write_idx,
        write_idx_dataset=write_idx_dataset,
        write_cifar10=write_cifar10,
        register_cifar10_checksums=register_cifar10_checksums,
    )
