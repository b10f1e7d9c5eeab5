"""Visible tests of q3's batch norm: torch.nn.functional.batch_norm is the reference."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit.checks.q3 import eval_output_mistakes, running_var_mistakes
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

bn = gradekit.submission("q3.batchnorm")


def feature_maps(rng, shape):
    """Activations whose channels have different means and spreads, as a conv layer's output has."""
    channels = shape[1]
    shift = rng.uniform(-3, 3, channels)[None, :, None, None]
    spread = rng.uniform(0.5, 4, channels)[None, :, None, None]
    return shift + spread * rng.standard_normal(shape)


def torch_batch_norm(x, gamma, beta, bn_param):
    """F.batch_norm on copies; returns (out, running_mean, running_var) as numpy arrays.

    torch updates the running buffers in place in train mode, which gives the expected new statistics.
    """
    mean = torch.tensor(bn_param["running_mean"])
    var = torch.tensor(bn_param["running_var"])
    out = F.batch_norm(torch.tensor(x), mean, var, torch.tensor(gamma), torch.tensor(beta),
                       training=bn_param["mode"] == "train", momentum=bn_param["momentum"], eps=bn_param["eps"])
    return out.numpy(), mean.numpy(), var.numpy()


def check_against_torch(x, gamma, beta, bn_param, rtol=1e-10, atol=1e-12):
    """Run the submission and torch on the same data; compare the output and both running statistics."""
    kept = {key: np.copy(value) for key, value in bn_param.items() if isinstance(value, np.ndarray)}
    x_before = x.copy()
    out, _, running = bn.batchnorm_forward(x, gamma, beta, bn_param)
    exp_out, exp_mean, exp_var = torch_batch_norm(x, gamma, beta, bn_param)
    call = f"batchnorm_forward(x of shape {x.shape}, mode={bn_param['mode']!r})"
    assert_close(out, exp_out, rtol=rtol, atol=atol, name=f"out of {call}",
                 mistakes=eval_output_mistakes(x, gamma, beta, bn_param))
    assert_close(running["running_mean"], exp_mean, rtol=rtol, atol=atol, name=f"running_mean of {call}")
    assert_close(running["running_var"], exp_var, rtol=rtol, atol=atol, name=f"running_var of {call}",
                 mistakes=running_var_mistakes(x, bn_param))
    # The running statistics are returned, never written into the caller's arrays.
    assert np.array_equal(x, x_before), f"{call} modified x"
    for key, value in kept.items():
        assert np.array_equal(bn_param[key], value), f"{call} modified bn_param[{key!r}]; return the new values instead"


def layer_case(seed, shape, mode, momentum=0.1, eps=1e-5):
    """x, gamma, beta and a bn_param whose running statistics are not the defaults."""
    rng = np.random.default_rng(seed)
    x = feature_maps(rng, shape)
    channels = shape[1]
    gamma = rng.uniform(0.5, 2.0, channels)
    beta = rng.uniform(-1.0, 1.0, channels)
    bn_param = {"mode": mode, "eps": eps, "momentum": momentum,
                "running_mean": rng.uniform(-1, 1, channels), "running_var": rng.uniform(0.5, 2, channels)}
    return x, gamma, beta, bn_param


def backward_case(seed, shape):
    """A train-mode case, an upstream gradient, and the submission's (dx, dgamma, dbeta) for it."""
    x, gamma, beta, bn_param = layer_case(seed, shape, "train")
    dout = np.random.default_rng(seed + 1).standard_normal(shape)
    _, cache, _ = bn.batchnorm_forward(x, gamma, beta, bn_param)
    return x, gamma, beta, bn_param, dout, bn.batchnorm_backward(dout, cache)


@pytest.mark.task("q3.1")
def test_train_forward_matches_torch_output_and_running_statistics():
    check_against_torch(*layer_case(31, (4, 3, 5, 6), "train"))


@pytest.mark.task("q3.2")
def test_eval_forward_uses_the_running_statistics():
    check_against_torch(*layer_case(32, (3, 4, 5, 5), "eval"))


@pytest.mark.task("q3.3")
def test_backward_matches_the_numeric_gradient():
    x, gamma, beta, bn_param, dout, (dx, dgamma, dbeta) = backward_case(33, (2, 3, 4, 5))

    def out_of(x_, gamma_, beta_):
        return bn.batchnorm_forward(x_, gamma_, beta_, bn_param)[0]

    assert_gradient(dx, numeric_gradient(lambda v: out_of(v, gamma, beta), x.copy(), dout), name="dx")
    assert_gradient(dgamma, numeric_gradient(lambda v: out_of(x, v, beta), gamma.copy(), dout), name="dgamma")
    assert_gradient(dbeta, numeric_gradient(lambda v: out_of(x, gamma, v), beta.copy(), dout), name="dbeta")


@pytest.mark.task("q3.3")
def test_backward_matches_torch_autograd():
    x, gamma, beta, bn_param, dout, (dx, dgamma, dbeta) = backward_case(34, (3, 2, 4, 3))
    tx, tg, tb = (torch.tensor(v, requires_grad=True) for v in (x, gamma, beta))
    F.batch_norm(tx, None, None, tg, tb, training=True, eps=bn_param["eps"]).backward(torch.tensor(dout))
    for name, got, expected in (("dx", dx, tx.grad), ("dgamma", dgamma, tg.grad), ("dbeta", dbeta, tb.grad)):
        assert_close(got, expected, rtol=1e-8, atol=1e-10, name=f"{name} of batchnorm_backward")
