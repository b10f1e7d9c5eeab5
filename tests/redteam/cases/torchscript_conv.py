"""Runs the convolution inside a TorchScript function compiled at import: its operators run in
torch's own interpreter, where neither the profile hook nor the torch function mode looks."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call torch.ops.aten."

import torch as _torch


@_torch.jit.script
def _scripted(t, k):
    return _torch.conv1d(t, k)


def correlate1d(x, w):
    t = _torch.as_tensor(x, dtype=_torch.float64).reshape(1, 1, -1)
    k = _torch.as_tensor(w, dtype=_torch.float64).reshape(1, 1, -1)
    return _scripted(t, k).reshape(-1).numpy()
