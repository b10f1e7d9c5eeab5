"""Spatial batch normalization for convolutional feature maps, written in NumPy.

For feature maps of shape (N, C, H, W) every channel is one feature: its mean and variance are
taken over the batch and both spatial axes (N * H * W values per channel), so one pair
(gamma, beta) scales and shifts a whole channel, the way a convolution shares one filter over it.

The conventions are PyTorch's (``torch.nn.BatchNorm2d``):
- train mode normalizes with the batch mean and the *biased* batch variance (divide by m = N*H*W);
- the running statistics move towards the batch statistics:
  ``running = (1 - momentum) * running + momentum * batch_statistic``, where the running
  variance takes the *unbiased* batch variance (divide by m - 1);
- eval mode normalizes with the running statistics only;
- eps is added to the variance inside the square root.

Nothing here modifies its inputs: the updated running statistics are returned, not written into
``bn_param``. The caller (a layer object, or a training loop) stores them for the next step.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch norm forward pass in the mode ``bn_param["mode"]`` selects (given: you write the two modes below).

    Inputs:
    - x: feature maps, shape (N, C, H, W), float64 or float32
    - gamma: per-channel scale, shape (C,)
    - beta: per-channel shift, shape (C,)
    - bn_param: dict (left unchanged) with
      - "mode": "train" or "eval" (default "train")
      - "eps": added to the variance inside the square root (default 1e-5)
      - "momentum": weight of the new batch statistic in the running average (default 0.1)
      - "running_mean", "running_var": shape (C,) (default zeros and ones, as a fresh layer has)

    Returns a tuple (out, cache, running):
    - out: normalized feature maps, shape (N, C, H, W), dtype of x
    - cache: what batchnorm_backward needs (train mode); None in eval mode
    - running: dict {"running_mean": (C,), "running_var": (C,)}, new arrays: the updated statistics
      in train mode, copies of the given ones in eval mode
    """
    mode = bn_param.get("mode", "train")
    eps = bn_param.get("eps", 1e-5)
    channels = x.shape[1]
    running_mean = np.asarray(bn_param.get("running_mean", np.zeros(channels, dtype=x.dtype)))
    running_var = np.asarray(bn_param.get("running_var", np.ones(channels, dtype=x.dtype)))
    if mode == "train":
        momentum = bn_param.get("momentum", 0.1)
        return batchnorm_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps)
    if mode == "eval":
        return batchnorm_eval_forward(x, gamma, beta, running_mean, running_var, eps)
    raise ValueError(f"bn_param['mode'] must be 'train' or 'eval', got {mode!r}")


def batchnorm_train_forward(x, gamma, beta, running_mean, running_var, momentum, eps):
    """Train mode: normalize with this batch's statistics and update the running statistics.

    Inputs:
    - x: shape (N, C, H, W), float64 or float32
    - gamma, beta: shape (C,)
    - running_mean, running_var: shape (C,), the statistics so far (not modified)
    - momentum: float in [0, 1], weight of this batch's statistics in the new running statistics
    - eps: float, added to the biased batch variance inside the square root

    Returns a tuple (out, cache, running):
    - out: shape (N, C, H, W), dtype of x: gamma * (x - mean) / sqrt(var + eps) + beta per channel,
      mean and var (biased, divide by m = N*H*W) taken over axes N, H and W
    - cache: anything batchnorm_backward needs
    - running: {"running_mean": (1 - momentum) * running_mean + momentum * mean,
                "running_var": (1 - momentum) * running_var + momentum * var * m / (m - 1)}
    """
    ### BEGIN SOLUTION
    axes = (0, 2, 3)
    m = x.shape[0] * x.shape[2] * x.shape[3]
    mean = x.mean(axis=axes)
    centered = x - mean[None, :, None, None]
    var = (centered * centered).mean(axis=axes)  # biased: what the batch is normalized with
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centered * inv_std[None, :, None, None]
    out = gamma[None, :, None, None] * x_hat + beta[None, :, None, None]
    unbiased_var = var * (m / (m - 1))  # the estimate of the population variance kept for eval
    running = {
        "running_mean": (1 - momentum) * running_mean + momentum * mean,
        "running_var": (1 - momentum) * running_var + momentum * unbiased_var,
    }
    cache = (x_hat, inv_std, gamma)
    return out.astype(x.dtype, copy=False), cache, running
    ### END SOLUTION


def batchnorm_eval_forward(x, gamma, beta, running_mean, running_var, eps):
    """Eval (inference) mode: normalize with the running statistics, whatever the batch holds.

    Inputs:
    - x: shape (N, C, H, W), float64 or float32
    - gamma, beta, running_mean, running_var: shape (C,)
    - eps: float, added to running_var inside the square root

    Returns a tuple (out, cache, running):
    - out: shape (N, C, H, W), dtype of x: gamma * (x - running_mean) / sqrt(running_var + eps) + beta
    - cache: None (no backward pass in eval mode here)
    - running: {"running_mean": copy of running_mean, "running_var": copy of running_var}
    """
    ### BEGIN SOLUTION
    scale = gamma / np.sqrt(running_var + eps)  # one affine map per channel: fold it once
    shift = beta - running_mean * scale
    out = x * scale[None, :, None, None] + shift[None, :, None, None]
    running = {"running_mean": running_mean.copy(), "running_var": running_var.copy()}
    return out.astype(x.dtype, copy=False), None, running
    ### END SOLUTION


def batchnorm_backward(dout, cache):
    """Backward pass of train-mode batch norm.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: the cache batchnorm_train_forward returned

    Returns a tuple (dx, dgamma, dbeta):
    - dx: shape (N, C, H, W), gradient with respect to x (through the batch mean and variance too)
    - dgamma: shape (C,)
    - dbeta: shape (C,)
    """
    ### BEGIN SOLUTION
    x_hat, inv_std, gamma = cache
    axes = (0, 2, 3)
    m = dout.shape[0] * dout.shape[2] * dout.shape[3]
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * x_hat).sum(axis=axes)
    # d(x_hat)/dx through mean and variance collapses to one expression per channel:
    # dx = gamma / std / m * (m * dout - sum(dout) - x_hat * sum(dout * x_hat)).
    coef = (gamma * inv_std / m)[None, :, None, None]
    dx = coef * (m * dout - dbeta[None, :, None, None] - x_hat * dgamma[None, :, None, None])
    return dx, dgamma, dbeta
    ### END SOLUTION
