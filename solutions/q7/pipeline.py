"""The data pipeline: a stratified validation split, normalization learned from the training split
only, and mini-batches in a seeded random order.

Why each piece matters:
- The validation set is how you choose epochs, learning rates and architectures; the test set is
  looked at once, at the end. Both must come from the same distribution as the training set, so
  the split keeps every class's share (stratified).
- Normalization statistics are part of the model. Computing them on validation or test images
  leaks information about data the model should not have seen; compute them on the training
  split and apply the same numbers everywhere.
- Shuffling the training set every epoch decorrelates consecutive mini-batches; seeding it makes a
  run repeatable, so two runs differ only where you changed something.
"""
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from gradekit import data


def stratified_split(labels, val_fraction=0.1, seed=0):
    """Split item indices into a training and a validation part, class by class.

    Inputs:
    - labels: class of each item, int64 tensor of shape (N,)
    - val_fraction: share of each class that goes to validation, 0 < val_fraction < 1
    - seed: the same seed always gives the same split (use np.random.default_rng(seed) or a
      torch.Generator seeded with it; do not touch the global random state)

    Returns:
    - (train_idx, val_idx): int64 tensors of item indices in increasing order; every index in
      exactly one of them. A class of n_c items puts floor or ceil of val_fraction * n_c of them,
      drawn at random, into validation.
    """
    ### BEGIN SOLUTION
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}")
    labels = torch.as_tensor(labels).numpy()
    generator = np.random.default_rng(seed)
    val = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_val = int(np.floor(val_fraction * len(members) + 0.5))
        val.append(generator.permutation(members)[:n_val])
    is_val = np.zeros(len(labels), dtype=bool)
    is_val[np.concatenate(val)] = True
    return torch.from_numpy(np.flatnonzero(~is_val)), torch.from_numpy(np.flatnonzero(is_val))
    ### END SOLUTION


def channel_stats(X):
    """Per-channel mean and standard deviation of a batch of images.

    Inputs:
    - X: images, float32 tensor of shape (N, C, H, W)

    Returns:
    - (mean, std): float32 tensors of shape (C,), over the N, H and W axes; std is the population
      standard deviation (divide by N * H * W, not N * H * W - 1). Accumulate in float64: a float32
      sum over millions of pixels loses digits.
    """
    ### BEGIN SOLUTION
    X64 = X.double()
    mean = X64.mean(dim=(0, 2, 3))
    std = X64.std(dim=(0, 2, 3), correction=0)
    return mean.float(), std.float()
    ### END SOLUTION


def normalize(X, mean, std):
    """(X - mean) / std per channel. X: (N, C, H, W); mean, std: (C,). Returns float32 (N, C, H, W)."""
    return ((X - mean[None, :, None, None]) / std[None, :, None, None]).float()


def prepare_data(X, y, val_fraction=0.1, seed=0):
    """Split off a stratified validation set and normalize both parts with the training statistics.

    Inputs:
    - X: images, float32 tensor (N, C, H, W), e.g. pixels in [0, 1]
    - y: labels, int64 tensor (N,)
    - val_fraction, seed: as for stratified_split (which does the split)

    Returns: a dict with
    - 'train_idx', 'val_idx': int64 tensors, the split of range(N)
    - 'mean', 'std': float32 (C,), channel_stats of the training images X[train_idx] only
    - 'X_train', 'X_val': normalize(X[train_idx], mean, std), normalize(X[val_idx], mean, std)
    - 'y_train', 'y_val': y[train_idx], y[val_idx]
    """
    ### BEGIN SOLUTION
    train_idx, val_idx = stratified_split(y, val_fraction, seed)
    mean, std = channel_stats(X[train_idx])
    return {
        "train_idx": train_idx, "val_idx": val_idx, "mean": mean, "std": std,
        "X_train": normalize(X[train_idx], mean, std), "y_train": y[train_idx],
        "X_val": normalize(X[val_idx], mean, std), "y_val": y[val_idx],
    }
    ### END SOLUTION


def load_mnist(val_fraction=0.1, seed=0):
    """The course's MNIST digits (gradekit.data.mnist), split and normalized, test set included.

    Reads gradekit.data.mnist('train') and mnist('test') as arrays (gradekit.data.as_arrays:
    pixels in [0, 1], shape (N, 1, 28, 28)), calls prepare_data on the training digits and
    normalizes the test digits with the same training statistics.

    Returns: prepare_data's dict (indices into the training digits) plus
    - 'X_test': normalize(test images, mean, std), float32 (N_test, 1, 28, 28)
    - 'y_test': int64 (N_test,)
    """
    ### BEGIN SOLUTION
    X, y = (torch.from_numpy(a) for a in data.as_arrays(data.mnist("train")))
    X_test, y_test = (torch.from_numpy(a) for a in data.as_arrays(data.mnist("test")))
    out = prepare_data(X, y, val_fraction, seed)
    out["X_test"] = normalize(X_test, out["mean"], out["std"])
    out["y_test"] = y_test
    return out
    ### END SOLUTION


def make_loader(X, y, batch_size=64, shuffle=True, seed=0):
    """Mini-batches of (images, labels) pairs, in a random order that depends only on the seed.

    Inputs:
    - X: tensor (N, ...); y: tensor (N,); item i is the pair (X[i], y[i])
    - batch_size: items per batch (the last batch may be smaller)
    - shuffle: False keeps the order 0, 1, ..., N-1
    - seed: seeds the loader's own torch.Generator (not the global one), so two loaders made with
      the same seed give the same order, and each new pass (epoch) over a loader draws a new order

    Returns:
    - a torch.utils.data.DataLoader; iterating it gives (xb, yb) batches
    """
    ### BEGIN SOLUTION
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator)
    ### END SOLUTION
