"""Rebinds every registered probe so that any result carrying a step's verdict (max_difference,
unchanged, ...) reports agreement, as swapping the worker-side SGD-step probe once did; the step
itself moves the weights twice as far as it should. The verdict is computed in the trusted process."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.3"]
KEEPS = ["q4.1", "q4.2", "q4.4"]
REASON = "differ from p - lr"
TIMEOUT = 30

import functools as _functools

import torch as _torch

from gradekit import probes as _probes


def _agreeing(fn):
    @_functools.wraps(fn)
    def call(*args, **kwargs):
        result = fn(*args, **kwargs)
        if isinstance(result, dict) and "max_difference" in result:
            result.update(max_difference=0.0, unchanged=[], nonfinite=[], loss=result.get("reference_loss", 0.0))
        return result

    return call


for _name, _fn in list(_probes.REGISTRY.items()):
    _probes.REGISTRY[_name] = _agreeing(_fn)


def train_step(model, x, y, lr=0.1):  # twice the step: an honest wrong answer
    model.train()
    model.zero_grad()
    loss = _torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    with _torch.no_grad():
        for p in model.parameters():
            p -= 2 * lr * p.grad
    return loss.item()
