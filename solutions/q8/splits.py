"""A labelled training set with a fixed number of images per class, and a stratified train/test split.

Transfer learning is for tasks with few labels, so the training set is built on purpose: the
same number of images for every class (the seed homework asks for at least 100), drawn at random
but reproducibly. The split into training and test images is stratified: every class keeps the
same share in both parts, so that a rare class cannot vanish from the test set by chance.
Both functions work on labels only and return indices, so they apply to any dataset.
"""
import numpy as np


def sample_per_class(labels, per_class, seed):
    """Indices of exactly `per_class` items of every class, drawn at random without replacement.

    Inputs:
    - labels: numpy array of shape (N,), integer class labels (e.g. Fashion-MNIST's 0-9)
    - per_class: int, how many items to take from each class
    - seed: int; the same seed gives the same indices, different seeds give different ones

    Returns:
    - indices: numpy array of shape (per_class * number of classes,), int64, sorted ascending,
      no index twice

    Raises ValueError when a class has fewer than `per_class` items.
    """
    ### BEGIN SOLUTION
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    picked = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < per_class:
            raise ValueError(f"class {c} has {len(members)} items, fewer than per_class={per_class}")
        picked.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(picked)).astype(np.int64)
    ### END SOLUTION


def stratified_split(labels, test_fraction, seed):
    """Split items into a training and a test part, class by class.

    Class c, with n_c items, sends floor(test_fraction * n_c + 0.5) of them (rounded half up) to
    the test part, chosen at random; the rest go to the training part.

    Inputs:
    - labels: numpy array of shape (N,), integer class labels
    - test_fraction: float strictly between 0 and 1
    - seed: int; the same seed gives the same split, different seeds give different ones

    Returns:
    - train_idx: numpy array, int64, sorted ascending
    - test_idx: numpy array, int64, sorted ascending
      Together they hold every index 0 ... N - 1 exactly once.
    """
    ### BEGIN SOLUTION
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    is_test = np.zeros(len(labels), dtype=bool)
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_test = int(np.floor(test_fraction * len(members) + 0.5))
        is_test[rng.permutation(members)[:n_test]] = True
    return np.flatnonzero(~is_test).astype(np.int64), np.flatnonzero(is_test).astype(np.int64)
    ### END SOLUTION
