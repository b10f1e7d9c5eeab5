"""Momentum weighs the old running statistics instead of the new batch statistics."""

MODULE = "batchnorm"
LOSES = ["q3.1"]

_correct_train_forward = batchnorm_train_forward


def batchnorm_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps):
    # running = momentum * running + (1 - momentum) * batch: Keras's convention, not PyTorch's.
    return _correct_train_forward(x, gamma, beta, running_mean, running_var, 1 - momentum, eps)
