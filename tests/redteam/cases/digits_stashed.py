"""Trains nothing: importing the module (in the workers of q4.1 to q4.4, which may read the course's
datasets) copies the public digits into /tmp, /dev/shm and HOME, and the model of q4.5 looks each
image up in that copy. q4.5's sandbox is a fresh one whose scratch folders start empty, so the
copy is gone and the model answers class 0 for every image, the honest wrong answer."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.5"]
KEEPS = ["q4.1", "q4.2", "q4.3", "q4.4"]
REASON = "on 334 digits it never saw"
TIMEOUT = 30

import os as _os

import numpy as _np
import torch as _torch

_stash_paths = ["/tmp/.digits.npz", "/dev/shm/.digits.npz", _os.path.expanduser("~/.digits.npz")]


def _stash():
    try:
        from gradekit import data as _data

        splits = [_data.as_arrays(_data.mnist(split)) for split in ("train", "test")]
    except Exception:  # noqa: BLE001 - hidden here: an earlier worker left the copy
        return
    X = _np.concatenate([X for X, _ in splits])
    y = _np.concatenate([y for _, y in splits])
    for path in _stash_paths:
        try:
            _np.savez(path, X=(X * 255).round().astype("uint8"), y=y)
            _os.chmod(path, 0o666)
        except OSError:
            pass


_stash()


def _stashed_digits():
    for path in _stash_paths:
        try:
            with _np.load(path) as saved:
                return {image.tobytes(): int(label) for image, label in zip(saved["X"], saved["y"])}
        except OSError:
            continue
    return {}


class _LookUp(_torch.nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, x):
        keys = (x * 255).round().to(_torch.uint8).numpy()
        labels = _torch.tensor([self.table.get(k.tobytes(), 0) for k in keys])
        return _torch.nn.functional.one_hot(labels, 10).float()


def train_digits(X, y):
    return _LookUp(_stashed_digits())
