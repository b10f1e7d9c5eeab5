"""Splitting a dataset and reading it out: labels, stratified train/val splits, arrays, a seeded loader.

Also holds :data:`TO_TENSOR`, the one ToTensor object every loader uses as its default transform,
so that :func:`as_arrays` can recognise it and read the pixels without decoding images one by one.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Subset
from torchvision import transforms

#: The loaders' shared default transform; as_arrays() tells it from a caller's own by identity.
TO_TENSOR = transforms.ToTensor()


def _unwrap(dataset: Dataset) -> tuple[Dataset, np.ndarray | None]:
    """The dataset under any Subset wrappers, and the indices into it (None: all of it)."""
    indices = None
    while isinstance(dataset, Subset):
        sub = np.asarray(dataset.indices, dtype=np.int64)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    return dataset, indices


def labels_of(dataset: Dataset) -> np.ndarray:
    """Every item's label, int64 array of shape (N,); read from ``.targets`` without decoding images when possible."""
    base, indices = _unwrap(dataset)
    targets = getattr(base, "targets", None)
    if targets is None or getattr(base, "target_transform", None) is not None:
        return np.array([int(label) for _, label in dataset], dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    return targets if indices is None else targets[indices]


def stratified_indices(labels: np.ndarray, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, val) indices with each class split in the same proportion.

    The validation set has round(val_fraction * N) items; each class gets floor(val_fraction * n_c),
    and the rounding remainder goes to the classes with the largest fractional parts.
    """
    classes, counts = np.unique(labels, return_counts=True)
    exact = val_fraction * counts
    quota = np.floor(exact).astype(np.int64)
    extra = int(round(val_fraction * len(labels))) - int(quota.sum())
    quota[np.argsort(-(exact - quota), kind="stable")[: max(extra, 0)]] += 1
    rng = np.random.default_rng(seed)
    val = np.concatenate(
        [rng.permutation(np.flatnonzero(labels == c))[:q] for c, q in zip(classes, quota, strict=True)]
    )
    is_val = np.zeros(len(labels), dtype=bool)
    is_val[val] = True
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


def train_val_split(
    dataset: Dataset, val_fraction: float = 0.2, seed: int = 0, stratify: bool = True
) -> tuple[Subset, Subset]:
    """Split a dataset into (train, val) Subsets; the same seed gives the same split.

    stratify=True keeps each class's share in both parts (labels from :func:`labels_of`);
    the validation part has round(val_fraction * N) items. Indices are in dataset order.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1 (exclusive), got {val_fraction}")
    if stratify:
        train_idx, val_idx = stratified_indices(labels_of(dataset), val_fraction, seed)
    else:
        order = np.random.default_rng(seed).permutation(len(dataset))
        n_val = int(round(val_fraction * len(dataset)))
        val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
    return Subset(dataset, train_idx.tolist()), Subset(dataset, val_idx.tolist())


def as_arrays(dataset: Dataset, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """All items as arrays: X float32 of shape (N, C, H, W) and y int64 of shape (N,).

    With the loaders' default transform the pixels are taken straight from ``.data`` (x / 255, the
    same numbers ToTensor gives); any other transform runs on every item in order.
    """
    base, indices = _unwrap(dataset)
    if (
        getattr(base, "transform", None) is TO_TENSOR
        and hasattr(base, "data")
        and hasattr(base, "targets")
        and getattr(base, "target_transform", None) is None
    ):
        pixels = base.data.numpy() if isinstance(base.data, torch.Tensor) else np.asarray(base.data)
        if indices is not None:
            pixels = pixels[indices]
        pixels = pixels[:, None] if pixels.ndim == 3 else pixels.transpose(0, 3, 1, 2)  # to NCHW
        return np.ascontiguousarray(pixels, dtype=np.float32) / np.float32(255), labels_of(dataset)
    first = dataset[0][0] if len(dataset) else None
    if not isinstance(first, torch.Tensor):
        raise TypeError(
            "as_arrays needs items whose image is a tensor: give the dataset a transform "
            f"ending in ToTensor (got {type(first).__name__})"
        )
    images, labels = [], []
    for x, y in DataLoader(dataset, batch_size=batch_size, shuffle=False):
        images.append(x.numpy().astype(np.float32, copy=False))
        labels.append(np.asarray(y, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def loader(dataset: Dataset, batch_size: int = 64, shuffle: bool = False, seed: int = 0) -> DataLoader:
    """A DataLoader whose shuffling order depends only on seed (single process: no worker start-up cost)."""
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
