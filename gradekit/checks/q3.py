"""The outputs of q3's classic mistakes, from torch and gradekit.ops, for ``mistakes=`` (see gradekit.checks)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from gradekit import ops
from gradekit.checks import mistakes


def running_var_mistakes(x, bn_param) -> dict:
    """Train mode's new running_var when it is updated with the biased batch variance (divide by m)."""
    if bn_param["mode"] != "train":
        return {}
    biased = torch.from_numpy(np.asarray(x, np.float64)).var(dim=(0, 2, 3), unbiased=False).numpy()
    momentum = bn_param["momentum"]
    return {mistakes.BIASED_RUNNING_VAR: (1 - momentum) * np.asarray(bn_param["running_var"]) + momentum * biased}


def eval_output_mistakes(x, gamma, beta, bn_param) -> dict:
    """Eval mode's output when it normalises with the batch's own statistics, as train mode does."""
    if bn_param["mode"] != "eval":
        return {}
    t = [torch.from_numpy(np.asarray(v, np.float64)) for v in (x, gamma, beta)]
    out = F.batch_norm(t[0], None, None, t[1], t[2], training=True, eps=bn_param["eps"])
    return {mistakes.BATCH_STATISTICS_IN_EVAL: out.numpy()}


def lrn_mistakes(x, size, alpha, beta, k, convention) -> dict:
    """LRN's output with alpha divided by the window size in the convention that does not divide it, or
    not divided in the one that does (gradekit.ops.lrn computes both conventions)."""
    t = x.detach() if isinstance(x, torch.Tensor) else torch.from_numpy(np.asarray(x))
    if convention == "alexnet":
        out = ops.lrn(t, size=size, alpha=alpha / size, beta=beta, k=k, convention="alexnet")
        return {mistakes.LRN_ALPHA_OVER_N_IN_ALEXNET: out.numpy()}
    # torch's convention with alpha used as it is: AlexNet's sum (torch's window, alpha * size / size)
    out = ops.lrn(t, size=size, alpha=alpha * size, beta=beta, k=k, convention="torch")
    return {mistakes.LRN_ALPHA_NOT_OVER_N_IN_TORCH: out.numpy()}
