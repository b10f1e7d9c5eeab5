"""Eval mode normalizes with the batch's own statistics, ignoring the running ones."""

MODULE = "batchnorm"
LOSES = ["q3.2"]
DIAGNOSIS = {"q3.2": "train-mode statistics used in eval mode"}


def batchnorm_eval_forward(x, gamma, beta, running_mean, running_var, eps):
    out, _, _ = batchnorm_train_forward(x, gamma, beta, running_mean, running_var, 0.1, eps)
    return out, None, {"running_mean": running_mean.copy(), "running_var": running_var.copy()}
