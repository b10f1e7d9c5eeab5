"""Takes no step, but replaces the state_dict probe so that every parameter it reports has moved a
little: forged raw data. The trusted process computes the real step from weights it set itself,
so the forged ones differ from it."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.3"]
KEEPS = ["q4.1"]  # the forged probe serves every task of the question, q4.2 too
REASON = "differ from p - lr"
TIMEOUT = 30

import torch as _torch

from gradekit import probes as _probes

_real_state_dict = _probes.REGISTRY["gradekit.probes.state_dict"]


def _moved_state_dict(model):
    state = _real_state_dict(model)
    return {k: v + 1e-3 if v.is_floating_point() else v for k, v in state.items()}


_probes.REGISTRY["gradekit.probes.state_dict"] = _moved_state_dict


def train_step(model, x, y, lr=0.1):  # no step at all: an honest wrong answer
    model.train()
    return _torch.nn.functional.cross_entropy(model(x), y).item()
