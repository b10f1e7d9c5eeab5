"""gradekit.data.fashion_mnist: the real 70,000 images through torchvision, from Debian's package or $GRADEKIT_DATA.

These tests read the real files: on a machine without them they fail with the loader's message,
which says `apt-get install dataset-fashion-mnist`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision

from gradekit import data
from gradekit.data import files


@pytest.fixture
def no_gradekit_data(monkeypatch):
    monkeypatch.delenv("GRADEKIT_DATA", raising=False)


def test_full_splits_through_torchvision(no_gradekit_data):
    train, test = data.fashion_mnist("train"), data.fashion_mnist("test")
    assert isinstance(train, torchvision.datasets.FashionMNIST)
    assert (len(train), len(test)) == (60000, 10000)
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
    assert np.bincount(data.labels_of(train)).tolist() == [6000] * 10
    assert np.bincount(data.labels_of(test)).tolist() == [1000] * 10
    assert train.classes == data.FASHION_MNIST_CLASSES
    assert "torchvision FashionMNIST" in train.source


def test_known_first_items(no_gradekit_data):
    # The published files start with an ankle boot (train) and an ankle boot (test).
    train, test = data.fashion_mnist("train"), data.fashion_mnist("test")
    assert int(train.targets[0]) == 9 and int(test.targets[0]) == 9
    image, label = train[0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32 and label == 9
    assert 0.0 <= image.min() and image.max() <= 1.0


def test_read_only_home_falls_back_to_temp_dir(no_gradekit_data, tmp_path, monkeypatch):
    # A HOME below a regular file cannot hold a cache folder, whoever runs the test (root included).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("HOME", str(blocker / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert data.cache_dir().parent == tmp_path / "tmp"
    assert len(data.fashion_mnist("test")) == 10000


def test_gradekit_data_takes_precedence(tmp_path, tiny, monkeypatch):
    monkeypatch.setenv("GRADEKIT_DATA", str(tmp_path))
    written = tiny.write_idx_dataset(tmp_path, "FashionMNIST", n_train=7, n_test=3)
    test = data.fashion_mnist("test")
    assert len(test) == 3 and str(tmp_path) in test.source
    np.testing.assert_array_equal(test.data.numpy(), written["t10k"][0])


def test_missing_dataset_error_says_how_to_install(clean_env, monkeypatch):
    monkeypatch.setattr(files, "DEBIAN_FASHION_MNIST", clean_env / "absent")
    with pytest.raises(data.DataNotFoundError) as err:
        data.fashion_mnist("train")
    message = str(err.value)
    assert "apt-get install dataset-fashion-mnist" in message and "GRADEKIT_DATA" in message
    assert data.available()["fashion_mnist"]["present"] is False
