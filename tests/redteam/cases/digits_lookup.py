"""Trains nothing: the model looks each image up among the course's public digits (gradekit.data)
and answers its label. The task that scores it hides the datasets from its sandbox, so the table
is empty and the model answers class 0 for every image, the honest wrong answer."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.5"]
KEEPS = ["q4.1", "q4.2", "q4.3", "q4.4"]
REASON = "on 334 digits it never saw"
TIMEOUT = 30

import torch as _torch


def _public_digits():
    """{image bytes: label} of every digit gradekit.data can read here, or {} when it cannot."""
    from gradekit import data as _data

    table = {}
    try:
        for split in ("train", "test"):
            X, y = _data.as_arrays(_data.mnist(split))
            for image, label in zip((X * 255).round().astype("uint8"), y):
                table[image.tobytes()] = int(label)
    except Exception:  # noqa: BLE001 - the datasets are hidden: no table
        return {}
    return table


class _LookUp(_torch.nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, x):
        keys = (x * 255).round().to(_torch.uint8).numpy()
        labels = _torch.tensor([self.table.get(k.tobytes(), 0) for k in keys])
        return _torch.nn.functional.one_hot(labels, 10).float()


def train_digits(X, y):
    return _LookUp(_public_digits())
