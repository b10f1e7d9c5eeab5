"""Calls a private ATen entry point that no forbidden name covers, torch._C._nn.slow_conv_dilated2d,
on the signal laid out as a one-row image: only a watch over ATen operators sees it."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call torch.ops.aten.slow_conv_dilated2d"

import torch as _torch


def correlate1d(x, w):
    t = _torch.as_tensor(x, dtype=_torch.float64).reshape(1, 1, 1, -1)
    k = _torch.as_tensor(w, dtype=_torch.float64).reshape(1, 1, 1, -1)
    out = _torch._C._nn.slow_conv_dilated2d(t, k, (1, k.shape[-1]), None, (1, 1), (0, 0))
    return out.reshape(-1).numpy()
