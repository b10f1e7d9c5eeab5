"""The running variance is updated with the biased batch variance (divide by m, not m - 1)."""

MODULE = "batchnorm"
LOSES = ["q3.1"]
DIAGNOSIS = {"q3.1": "biased variance in the running statistics"}

_correct_train_forward = batchnorm_train_forward


def batchnorm_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps):
    out, cache, running = _correct_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps)
    running["running_var"] = (1 - momentum) * running_var + momentum * x.var(axis=(0, 2, 3))
    return out, cache, running
