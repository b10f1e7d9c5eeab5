"""The probe for q8 (transfer learning): it runs where the student's optimizer lives.

It returns names only. The trusted references q8's tests compare with are in gradekit.checks.q8.
"""

from __future__ import annotations

from gradekit.probes import probe


@probe
def optimizer_parameter_names(optimizer, model) -> dict:
    """Which of the model's parameters an optimizer updates.

    Inputs:
    - optimizer: a torch.optim.Optimizer
    - model: an nn.Module

    Returns:
    - dict with 'names' (sorted list of str: the model's parameter names found in the
      optimizer's param_groups) and 'foreign' (int: tensors in the optimizer that are not
      parameters of the model)
    """
    by_id = {id(p): name for name, p in model.named_parameters()}
    held = [p for group in optimizer.param_groups for p in group["params"]]
    return {
        "names": sorted(by_id[id(p)] for p in held if id(p) in by_id),
        "foreign": sum(id(p) not in by_id for p in held),
    }
