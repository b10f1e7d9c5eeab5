"""Calls torch's conv1d (through torch.nn.functional) in a do-it-yourself task."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call torch.nn.functional.conv1d"  # in the attacked task's message: it failed for this reason

import torch as _torch
import torch.nn.functional as _F


def correlate1d(x, w):
    t = _torch.as_tensor(x, dtype=_torch.float64).reshape(1, 1, -1)
    k = _torch.as_tensor(w, dtype=_torch.float64).reshape(1, 1, -1)
    return _F.conv1d(t, k).reshape(-1).numpy()
