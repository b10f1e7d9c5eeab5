"""gradekit.data.cifar10 on tiny files in the real cifar-10-batches-py format, read by the real torchvision loader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision

from gradekit import data


@pytest.fixture
def tiny_cifar(clean_env, tiny, monkeypatch):
    written = tiny.write_cifar10(clean_env / "datasets", per_batch=2)
    tiny.register_cifar10_checksums(monkeypatch, written["md5"])
    monkeypatch.setenv("GRADEKIT_DATA", str(clean_env / "datasets"))
    return written


def test_reads_train_and_test_batches(tiny_cifar):
    train, test = data.cifar10("train"), data.cifar10("test")
    assert isinstance(train, torchvision.datasets.CIFAR10)
    assert (len(train), len(test)) == (10, 2)
    assert train.classes == data.CIFAR10_CLASSES
    image, label = test[1]
    assert image.shape == (3, 32, 32) and image.dtype == torch.float32
    expected = tiny_cifar["test_batch"][0][1].transpose(2, 0, 1) / 255  # HWC uint8 -> CHW in [0, 1]
    np.testing.assert_allclose(image.numpy(), expected, atol=1e-7)
    assert label == tiny_cifar["test_batch"][1][1]
    assert data.available()["cifar10"]["present"] is True


def test_as_arrays_gives_nchw(tiny_cifar):
    X, y = data.as_arrays(data.cifar10("train"))
    assert X.shape == (10, 3, 32, 32) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(y[:2], tiny_cifar["data_batch_1"][1])


def test_missing_cifar10_says_how_to_get_it(clean_env):
    with pytest.raises(data.DataNotFoundError) as err:
        data.cifar10("train")
    message = str(err.value)
    for needed in (
        "not on this machine",
        "cifar-10-python.tar.gz",
        "cifar-10-batches-py",
        "GRADEKIT_DATA",
        "cifar10_like",
    ):
        assert needed in message, f"the error should mention {needed!r}: {message}"
    assert data.available()["cifar10"]["present"] is False


def test_files_failing_torchvisions_checksums_are_reported(clean_env, tiny, monkeypatch):
    tiny.write_cifar10(clean_env / "datasets")  # real torchvision MD5s: the tiny files do not match them
    monkeypatch.setenv("GRADEKIT_DATA", str(clean_env / "datasets"))
    with pytest.raises(data.DataNotFoundError, match="torchvision rejects it"):
        data.cifar10("test")


def test_cifar10_like_is_shaped_and_seeded():
    a, b, c = data.cifar10_like(8, seed=1), data.cifar10_like(8, seed=1), data.cifar10_like(8, seed=2)
    image, label = a[3]
    assert image.shape == (3, 32, 32) and 0 <= label < 10 and len(a) == 8
    assert torch.equal(image, b[3][0]) and not torch.equal(image, c[3][0])
    assert data.cifar10_like(2, image_size=224)[0][0].shape == (3, 224, 224)
