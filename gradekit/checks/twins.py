"""Trusted twins: a model of the course's own architecture, built and run in the test process.

What a student's model should have done (one SGD step, the logits of trained weights) is
computed on a twin here, from weights this process holds, never by code in the process where the
submission runs: there every function, the probes included, is the submission's to replace. The
student's side gives back raw data only (a returned loss, the weights it left).
"""

from __future__ import annotations


def course_model(model, module: str, name: str, *args):
    """A fresh instance of the course's own ``module.name`` (the reference solution's), built in this
    process, to stand beside the student's ``model``.

    Where the course has no solutions/ folder (a student running the visible tests at home), the
    model is an object of this very process, and a copy of it serves: there the student could edit
    the test anyway, and in grade mode the reference is always there.
    """
    import copy

    import gradekit
    from gradekit.harness.importer import MissingModuleError

    try:
        return getattr(gradekit.reference(module), name)(*args)
    except MissingModuleError:
        import torch

        if not isinstance(model, torch.nn.Module):
            raise
        return copy.deepcopy(model)


def sgd_step_result(train_step, model, twin, x, y, lr: float, seed: int, aux_weight: float = 0.3) -> dict:
    """Run the student's train_step once and the same SGD step here, on a trusted twin; compare.

    ``twin`` is a model of the same architecture built in this process (course_model). Its weights
    go into the student's model first, so both steps start from weights this process holds; then
    train_step runs where the submission lives (under ``seed``, so dropout draws the masks the
    twin draws here), and only its returned loss and the weights it left come back. The reference
    step, CE(main) + aux_weight * sum(CE(aux)) for tuple outputs (CE alone for a tensor), its
    gradients and every comparison are computed here, where the submission cannot reach.

    Returns:
    - 'loss': what train_step returned (float, or its type name when it is not a number)
    - 'reference_loss': the twin's loss (float)
    - 'largest_update': max |change| of any parameter in the twin's step
    - 'max_difference': max |student's parameter - twin's parameter| after the steps
    - 'unchanged': names of parameters the twin's step changed and train_step did not
    - 'nonfinite': names of parameters train_step left holding NaN or infinity
    """
    __tracebackhide__ = True
    import numbers

    import torch
    import torch.nn.functional as F

    from gradekit import probes
    from gradekit.probes import q6 as probes_q6
    from gradekit.testing import assert_equal

    before = {k: v.detach().clone() for k, v in twin.state_dict().items()}
    assert_equal(
        probes.state_shapes(model),
        {k: tuple(v.shape) for k, v in before.items()},
        name="the model's parameters and buffers (names and shapes) against the course's architecture",
    )
    probes_q6.set_parameters(model, before)
    for name, flag in probes.requires_grad(model).items():
        twin.get_parameter(name).requires_grad_(flag)  # frozen stays frozen in the twin too
    loss = probes.seeded_call(train_step, seed, model, x, y, lr)
    after = probes.state_dict(model)
    torch.manual_seed(seed)
    twin.train()
    with torch.enable_grad():
        out = twin(x)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        ref_loss = F.cross_entropy(outs[0], y) + aux_weight * sum(F.cross_entropy(o, y) for o in outs[1:])
        twin.zero_grad(set_to_none=True)
        ref_loss.backward()
    largest, differs, unchanged, nonfinite = 0.0, 0.0, [], []
    with torch.no_grad():
        for name, p_ref in twin.named_parameters():
            if p_ref.grad is not None:
                p_ref.add_(p_ref.grad, alpha=-lr)
            p_sub = after[name]
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
