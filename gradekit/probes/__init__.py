"""Probes: trusted functions that look inside objects the student's code built (models, figures).

Tests call a student's function with plain data and compare plain data. When a test must look
inside an object the submission returned (count a model's parameters, check that a layer is an
nn.Conv2d, read a figure's titles) it calls a probe instead of touching the object itself:
``probes.param_count(model)``. In ``pytest`` a probe is an ordinary call; in ``gradekit grade`` the
object lives in the sandboxed worker, the probe runs there, and only its plain-data result comes
back. A probe therefore takes objects and plain data and returns plain data only: numbers,
strings, lists, tuples, dicts, numpy arrays, torch tensors.

Question-specific probes live in ``gradekit/probes/qN.py``, decorated with :func:`probe`. What a
test computes or asserts on a probe's result is no probe: it lives in gradekit.checks, which may
import probes; probes never import checks, because probes are what the worker loads.
"""

from __future__ import annotations

import functools
from typing import Callable

from gradekit.harness import backend

REGISTRY: dict[str, Callable] = {}


def probe(fn: Callable) -> Callable:
    """Register ``fn`` as a probe, callable on objects that live in this process or in a grading worker."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    REGISTRY[name] = fn

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return backend.active().run_probe(fn, args, kwargs)

    call.__gradekit_probe__ = name
    return call


@probe
def seeded_call(fn, seed: int, *args, **kwargs):
    """torch.manual_seed(seed) and numpy's legacy seed, then fn(*args, **kwargs), where fn lives.

    In grade mode the submission runs in a worker whose random generators a test's own
    torch.manual_seed does not reach; seeding through this probe makes a seeded model or training
    run the same in every mode.
    """
    import numpy as np
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    return fn(*args, **kwargs)


@probe
def is_instance(obj, dotted_class: str) -> bool:
    """isinstance(obj, <class named 'torch.nn.Module'>)."""
    import importlib

    module, _, name = dotted_class.rpartition(".")
    return isinstance(obj, getattr(importlib.import_module(module), name))


@probe
def class_name(obj) -> str:
    return type(obj).__name__


@probe
def param_count(model, trainable_only: bool = False) -> int:
    """Number of scalar parameters of an nn.Module (only those with requires_grad if asked)."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only))


@probe
def module_classes(model) -> list[tuple[str, str]]:
    """(qualified name, class name) of every submodule in registration order, the root excluded."""
    return [(name, type(m).__name__) for name, m in model.named_modules() if name]


@probe
def requires_grad(model) -> dict[str, bool]:
    return {name: bool(p.requires_grad) for name, p in model.named_parameters()}


@probe
def state_dict(model) -> dict:
    """Parameters and buffers as plain tensors (copies: the caller can keep them across a training step)."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@probe
def state_shapes(model) -> dict[str, tuple]:
    """The shape of every parameter and buffer, by state_dict key (without moving the tensors)."""
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


@probe
def is_training(model) -> bool:
    return bool(model.training)


@probe
def forward(model, x, train: bool = False, grad: bool = False):
    """model(x) in train or eval mode; the mode is restored afterwards."""
    import torch

    was = model.training
    model.train(train)
    try:
        with torch.set_grad_enabled(grad):
            out = model(x)
    finally:
        model.train(was)
    return out


def forward_with_leaf_hooks(model, x, attach: Callable) -> None:
    """model(x) once in eval mode without gradients, with hooks on every leaf module, all removed after.

    Not a probe but the sequence probes share (output_shapes here, gradekit.probes.q5.layer_trace):
    it runs inside a probe, where the model lives. ``attach(name, leaf)`` registers that leaf's hooks
    and returns their handles; leaves are visited in registration order, the root excluded. The
    model's training mode is restored and the hooks removed even when the forward pass raises.
    """
    import torch

    handles = []
    for name, m in model.named_modules():
        if name and not list(m.children()):
            handles += attach(name, m)
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        model.train(was)
        for h in handles:
            h.remove()


@probe
def output_shapes(model, x) -> list[tuple[str, str, tuple]]:
    """(name, class, output shape) of every leaf module in call order, from forward hooks, in eval mode."""
    rows = []

    def attach(name, m):
        return [
            m.register_forward_hook(
                lambda mod, inp, out: rows.append(
                    (name, type(mod).__name__, tuple(out.shape) if hasattr(out, "shape") else ())
                )
            )
        ]

    forward_with_leaf_hooks(model, x, attach)
    return rows
