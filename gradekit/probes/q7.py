"""Probes for q7 (training and evaluation): they run where the student's model lives.

They return plain data; the helpers q7's tests share (the digits they train on, timing, checks of
a training run's results) are in gradekit.checks.q7.
"""

from __future__ import annotations

from gradekit.probes import probe


@probe
def output_shapes_by_mode(model, x) -> dict[str, list[tuple]]:
    """The shapes of what a copy of the model returns in training and in evaluation mode.

    A copy, so that a training-mode forward pass does not move the model's batch-norm statistics.

    Returns:
    - {'train': [shape, ...], 'eval': [shape, ...]}: one shape per tensor the model returned
      (a tuple or named tuple of tensors gives several, a single tensor one)
    """
    import copy

    import torch

    twin = copy.deepcopy(model)
    shapes = {}
    with torch.no_grad():
        for mode in ("train", "eval"):
            twin.train(mode == "train")
            out = twin(x)
            outs = list(out) if isinstance(out, (tuple, list)) else [out]
            shapes[mode] = [tuple(o.shape) if isinstance(o, torch.Tensor) else type(o).__name__ for o in outs]
    return shapes


@probe
def set_training(model, mode: bool) -> bool:
    """model.train(mode), where the model lives; returns the model's training flag afterwards."""
    model.train(mode)
    return bool(model.training)


@probe
def freeze(model, prefix: str) -> list[str]:
    """requires_grad = False for every parameter whose name starts with prefix; returns their names."""
    frozen = [name for name, p in model.named_parameters() if name.startswith(prefix)]
    for name, p in model.named_parameters():
        if name in frozen:
            p.requires_grad_(False)
    return frozen
