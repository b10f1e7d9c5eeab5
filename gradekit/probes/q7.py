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
def sgd_step_agreement(train_step, model, x, y, lr: float, seed: int, aux_weight: float = 0.3) -> dict:
    """Run the student's train_step once and an independent SGD step on a copy of the model; compare.

    Both start from the same weights and the same seed (so dropout draws the same masks); the
    reference step computes, in training mode, CE(main) + aux_weight * sum(CE(aux)) for tuple
    outputs (CE alone for a tensor), backpropagates and sets p <- p - lr * p.grad.

    Returns:
    - 'loss': what train_step returned (float, or its type name when it is not a number)
    - 'reference_loss': the reference step's loss (float)
    - 'largest_update': max |change| of any parameter in the reference step
    - 'max_difference': max |student's parameter - reference parameter| after the steps
    - 'unchanged': names of parameters the reference step changed and train_step did not
    - 'nonfinite': names of parameters train_step left holding NaN or infinity
    """
    import copy
    import numbers

    import torch
    import torch.nn.functional as F

    reference = copy.deepcopy(model)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    torch.manual_seed(seed)
    loss = train_step(model, x, y, lr)
    torch.manual_seed(seed)
    reference.train()
    with torch.enable_grad():
        out = reference(x)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        ref_loss = F.cross_entropy(outs[0], y) + aux_weight * sum(F.cross_entropy(o, y) for o in outs[1:])
        reference.zero_grad(set_to_none=True)
        ref_loss.backward()
    largest, differs, unchanged, nonfinite = 0.0, 0.0, [], []
    with torch.no_grad():
        for (name, p_ref), (_, p_sub) in zip(reference.named_parameters(), model.named_parameters()):
            if p_ref.grad is not None:
                p_ref.add_(p_ref.grad, alpha=-lr)
            update = float((p_ref - before[name]).abs().max())
            largest = max(largest, update)
            if not bool(torch.isfinite(p_sub).all()):
                nonfinite.append(name)  # max() would drop a NaN difference: name it instead
            else:
                differs = max(differs, float((p_sub - p_ref).abs().max()))
            if update > 0 and torch.equal(p_sub, before[name]):
                unchanged.append(name)
    return {
        "loss": float(loss) if isinstance(loss, numbers.Real) else type(loss).__name__,
        "reference_loss": ref_loss.item(),
        "largest_update": largest,
        "max_difference": differs,
        "unchanged": unchanged,
        "nonfinite": nonfinite,
    }


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
