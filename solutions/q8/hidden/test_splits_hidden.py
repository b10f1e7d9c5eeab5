"""Hidden tests of q8.4: rounding half up, labels that are not 0 ... C-1, too few items."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_equal

splits = gradekit.submission("q8.splits")


@pytest.mark.task("q8.4")
def test_half_split_of_odd_classes_rounds_up():
    # Classes 3, 7 and 9 of 5, 8 and 1 items: half of them rounded half up is 3, 4 and 1.
    labels = np.random.default_rng(21).permutation(np.repeat([3, 7, 9], [5, 8, 1]))
    train_idx, test_idx = (np.asarray(a) for a in splits.stratified_split(labels, 0.5, 4))
    assert_equal([int(np.sum(labels[test_idx] == c)) for c in (3, 7, 9)], [3, 4, 1],
                 name="test items per class (3, 7, 9) of stratified_split(labels, 0.5, seed=4)")
    assert_equal(sorted(np.concatenate([train_idx, test_idx]).tolist()), list(range(len(labels))),
                 name="the indices of both parts together")


@pytest.mark.task("q8.4")
def test_sample_per_class_with_labels_3_7_9_and_too_few_items():
    labels = np.repeat([9, 3, 7], [40, 30, 50])
    idx = np.asarray(splits.sample_per_class(labels, 30, 2))
    assert_equal([int(np.sum(labels[idx] == c)) for c in (3, 7, 9)], [30, 30, 30],
                 name="items per class (3, 7, 9) of sample_per_class(labels, 30, seed=2)")
    assert_equal(len(np.unique(idx)), 90, name="distinct indices")
    with pytest.raises(ValueError):
        splits.sample_per_class(labels, 31, 2)
