"""Train-mode batch norm gets its output from torch.nn.functional.batch_norm, which q3 forbids."""

MODULE = "batchnorm"
LOSES = ["q3.1", "q3.3"]

import torch  # noqa: E402

_correct_train_forward = batchnorm_train_forward


def batchnorm_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps):
    _, cache, running = _correct_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps)
    out = torch.nn.functional.batch_norm(
        torch.from_numpy(x), None, None, torch.from_numpy(gamma), torch.from_numpy(beta), training=True, eps=eps
    ).numpy()
    return out, cache, running
