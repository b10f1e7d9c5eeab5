"""A tensor subclass whose __torch_function__ makes every comparison and difference look equal."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.2"]
KEEPS = ["q4.1"]
REASON = "elements differ"  # in the attacked task's message: it failed for this reason
TIMEOUT = 60

import torch as _torch


class Agreeable(_torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("eq", "__eq__", "allclose", "equal", "isclose"):
            return True if name in ("allclose", "equal") else _torch.ones((), dtype=_torch.bool)
        if name in ("sub", "__sub__", "abs", "__abs__"):
            return _torch.zeros(())
        return super().__torch_function__(func, types, args, kwargs or {})


def _wrong_forward(self, x):
    return _torch.zeros(x.shape[0], 10).as_subclass(Agreeable)


TinyNet.forward = _wrong_forward  # noqa: F821 - TinyNet comes from the solution this is appended to
