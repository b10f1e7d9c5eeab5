"""Hidden tests of q3's batch norm: torch.nn.BatchNorm2d on fresh shapes, dtypes and momenta."""
import numpy as np
import pytest
import torch

import gradekit
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

bn = gradekit.submission("q3.batchnorm")

# (shape, dtype, momentum, eps): batch 1, odd sizes, 1x1 maps, many channels, float32,
# and momenta near both ends of the range (1 keeps only the batch statistics).
CASES = [
    ((1, 5, 3, 7), np.float64, 0.1, 1e-5),
    ((7, 2, 1, 1), np.float64, 0.3, 1e-3),
    ((2, 16, 5, 3), np.float32, 0.1, 1e-5),
    ((3, 1, 9, 2), np.float64, 1.0, 1e-5),
    ((5, 4, 2, 3), np.float64, 0.01, 1e-2),
]


def case_data(seed, shape, dtype):
    rng = np.random.default_rng(seed)
    channels = shape[1]
    x = rng.uniform(-2, 5, channels)[None, :, None, None] + rng.uniform(0.2, 3, channels)[None, :, None, None] \
        * rng.standard_normal(shape)
    gamma, beta = rng.uniform(0.3, 2, channels), rng.uniform(-2, 2, channels)
    mean, var = rng.uniform(-1, 1, channels), rng.uniform(0.3, 3, channels)
    return [a.astype(dtype) for a in (x, gamma, beta, mean, var)]


def torch_layer(gamma, beta, mean, var, momentum, eps, train):
    """An nn.BatchNorm2d holding the given parameters and running statistics."""
    layer = torch.nn.BatchNorm2d(len(gamma), eps=eps, momentum=momentum).to(torch.from_numpy(gamma).dtype)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(gamma))
        layer.bias.copy_(torch.from_numpy(beta))
        layer.running_mean.copy_(torch.from_numpy(mean))
        layer.running_var.copy_(torch.from_numpy(var))
    return layer.train(train)


def tolerance(dtype):
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 2e-5, "atol": 2e-5}


def run_case(case, seed, mode):
    """Run CASES[case] through the submission; return x, its out and running dict, the matching
    nn.BatchNorm2d (in the same mode, not yet run) and a description of the call."""
    shape, dtype, momentum, eps = CASES[case]
    x, gamma, beta, mean, var = case_data(seed + case, shape, dtype)
    param = {"mode": mode, "momentum": momentum, "eps": eps, "running_mean": mean, "running_var": var}
    out, _, running = bn.batchnorm_forward(x, gamma, beta, param)
    layer = torch_layer(gamma, beta, mean, var, momentum, eps, train=mode == "train")
    call = f"batchnorm_forward(shape {shape}, {np.dtype(dtype).name}, momentum={momentum}, eps={eps}, {mode!r})"
    return x, out, running, layer, call


@pytest.mark.task("q3.1")
@pytest.mark.parametrize("case", range(len(CASES)))
def test_train_forward_against_batchnorm2d(case):
    x, out, running, layer, call = run_case(case, 100, "train")
    tol = tolerance(x.dtype)
    with torch.no_grad():
        expected = layer(torch.from_numpy(x))  # a train-mode layer updates its running buffers as it runs
    assert_close(out, expected, name=f"out of {call}", **tol)
    assert_close(running["running_mean"], layer.running_mean, name=f"running_mean of {call}", **tol)
    assert_close(running["running_var"], layer.running_var, name=f"running_var of {call}", **tol)


@pytest.mark.task("q3.1")
def test_three_training_steps_chain_the_running_statistics():
    rng = np.random.default_rng(7)
    layer = torch.nn.BatchNorm2d(3).double().train()  # defaults: running mean 0, var 1, momentum 0.1, eps 1e-5
    gamma, beta = np.ones(3), np.zeros(3)
    param = {"mode": "train"}  # defaults only: the layer starts like a fresh nn.BatchNorm2d
    for step in range(3):
        x = 2.0 + 3.0 * rng.standard_normal((4, 3, 3, 5))
        out, _, running = bn.batchnorm_forward(x, gamma, beta, param)
        with torch.no_grad():
            expected = layer(torch.from_numpy(x))
        assert_close(out, expected, rtol=1e-10, atol=1e-12, name=f"out at step {step + 1}")
        assert_close(running["running_mean"], layer.running_mean, rtol=1e-10, atol=1e-12,
                     name=f"running_mean after step {step + 1} (default bn_param)")
        assert_close(running["running_var"], layer.running_var, rtol=1e-10, atol=1e-12,
                     name=f"running_var after step {step + 1} (default bn_param)")
        param = {"mode": "train", "running_mean": running["running_mean"], "running_var": running["running_var"]}


@pytest.mark.task("q3.2")
@pytest.mark.parametrize("case", range(len(CASES)))
def test_eval_forward_against_batchnorm2d(case):
    x, out, running, layer, call = run_case(case, 200, "eval")
    with torch.no_grad():
        expected = layer(torch.from_numpy(x))
    assert_close(out, expected, name=f"out of {call}", **tolerance(x.dtype))
    assert_close(running["running_mean"], layer.running_mean, rtol=0, atol=0, name=f"running_mean of {call} (unchanged)")
    assert_close(running["running_var"], layer.running_var, rtol=0, atol=0, name=f"running_var of {call} (unchanged)")


@pytest.mark.task("q3.2")
def test_eval_output_of_one_instance_does_not_depend_on_its_batch():
    x, gamma, beta, mean, var = case_data(300, (6, 3, 4, 4), np.float64)
    param = {"mode": "eval", "eps": 1e-5, "running_mean": mean, "running_var": var}
    alone, _, _ = bn.batchnorm_forward(x[2:3], gamma, beta, param)
    together, _, _ = bn.batchnorm_forward(x, gamma, beta, param)
    with torch.no_grad():
        expected = torch_layer(gamma, beta, mean, var, 0.1, 1e-5, train=False)(torch.from_numpy(x[2:3]))
    assert_close(alone, expected, rtol=1e-10, atol=1e-12, name="eval output of instance 2 alone")
    assert_close(together[2:3], expected, rtol=1e-10, atol=1e-12, name="eval output of instance 2 within its batch")


@pytest.mark.task("q3.3")
@pytest.mark.parametrize("shape", [(1, 3, 2, 3), (5, 2, 1, 1), (2, 4, 3, 1)])
def test_backward_against_the_numeric_gradient(shape):
    x, gamma, beta, mean, var = case_data(400 + shape[0], shape, np.float64)
    param = {"mode": "train", "running_mean": mean, "running_var": var}
    dout = np.random.default_rng(401).standard_normal(shape)
    _, cache, _ = bn.batchnorm_forward(x, gamma, beta, param)
    dx, dgamma, dbeta = bn.batchnorm_backward(dout, cache)
    grads = {"dx": (dx, x), "dgamma": (dgamma, gamma), "dbeta": (dbeta, beta)}
    for name, (analytic, wrt) in grads.items():
        def out_for(value, name=name):
            args = {"dx": (value, gamma, beta), "dgamma": (x, value, beta), "dbeta": (x, gamma, value)}[name]
            return bn.batchnorm_forward(*args, param)[0]
        assert_gradient(analytic, numeric_gradient(out_for, wrt.copy(), dout), tol=1e-5, name=f"{name} for shape {shape}")


@pytest.mark.task("q3.3")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_backward_against_autograd_on_a_larger_batch(dtype):
    x, gamma, beta, mean, var = case_data(500, (6, 10, 7, 5), dtype)
    dout = np.random.default_rng(501).standard_normal(x.shape).astype(dtype)
    _, cache, _ = bn.batchnorm_forward(x, gamma, beta, {"mode": "train", "running_mean": mean, "running_var": var})
    dx, dgamma, dbeta = bn.batchnorm_backward(dout, cache)
    layer = torch_layer(gamma, beta, mean, var, 0.1, 1e-5, train=True)
    tx = torch.tensor(x, requires_grad=True)
    layer(tx).backward(torch.from_numpy(dout))
    tol = {"rtol": 1e-8, "atol": 1e-10} if dtype == np.float64 else {"rtol": 1e-3, "atol": 1e-4}
    assert_close(dx, tx.grad, name=f"dx ({np.dtype(dtype).name})", **tol)
    assert_close(dgamma, layer.weight.grad, name=f"dgamma ({np.dtype(dtype).name})", **tol)
    assert_close(dbeta, layer.bias.grad, name=f"dbeta ({np.dtype(dtype).name})", **tol)
