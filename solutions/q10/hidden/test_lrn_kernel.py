"""Hidden tests of q10: fresh shapes and values, and the edge cases of the window and the arguments.

Same references as the visible tests: gradekit.ops.lrn (convention='alexnet') and its autograd, and
torch.nn.functional.local_response_norm with alpha multiplied by size.
"""
import pytest
import torch

import gradekit
from gradekit.checks.q10 import (FLOAT32_TOL, FLOAT64_TOL, alexnet_lrn_dx, assert_alexnet_lrn,
                                 assert_error_names, checked_call, raised_by, relu_activations)
from gradekit.testing import assert_close

kernel = gradekit.submission("q10.lrn_kernel")

# (shape, size, alpha, beta, k): windows wider than the channels, a window of one channel,
# single pixels, a beta other than 0.75 and a k below 1.
FORWARD_CASES = [
    ((1, 1, 1, 1), 1, 0.3, 0.75, 2.0),
    ((3, 10, 1, 1), 9, 0.02, 0.5, 1.0),
    ((2, 4, 7, 1), 11, 0.1, 1.0, 0.5),
    ((4, 33, 3, 5), 5, 1e-4, 0.75, 2.0),
    ((1, 64, 13, 13), 3, 0.004, 2.0, 1.5),
]


@pytest.mark.task("q10.2")
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
def test_forward_fresh_cases(dtype):
    tol = FLOAT64_TOL if dtype == torch.float64 else FLOAT32_TOL
    for seed, (shape, size, alpha, beta, k) in enumerate(FORWARD_CASES, start=20):
        params = {"size": size, "alpha": alpha, "beta": beta, "k": k}
        x = relu_activations(seed, shape, scale=8.0, dtype=dtype)
        assert_alexnet_lrn(checked_call(kernel.lrn, "lrn(x, ...)", x, **params), x, tol, **params)


@pytest.mark.task("q10.2")
def test_forward_channels_last_and_transposed_inputs():
    params = {"size": 5, "alpha": 0.05, "beta": 0.75, "k": 2.0}
    base = relu_activations(30, (3, 9, 6, 8), scale=4.0)
    for x in (base.contiguous(memory_format=torch.channels_last), base.transpose(2, 3), base[:, :, 1:, ::3]):
        assert_alexnet_lrn(checked_call(kernel.lrn, "lrn(x, ...)", x, **params), x, FLOAT64_TOL, **params)


@pytest.mark.task("q10.2")
def test_forward_leaves_its_input_unchanged():
    x = relu_activations(31, (2, 7, 4, 4), scale=5.0)
    before = x.clone()
    params = {"size": 3, "alpha": 0.1, "beta": 0.75, "k": 2.0}
    out = checked_call(kernel.lrn, "lrn(x, ...)", x, **params)
    assert torch.equal(x, before), "lrn(x) changed x: the kernel must write a new tensor"
    assert_alexnet_lrn(out, before, FLOAT64_TOL, **params)


@pytest.mark.task("q10.3")
def test_size_zero_and_negative_are_rejected():
    for size in (0, -3):
        exc = raised_by(kernel.lrn, torch.ones(1, 6, 2, 2), size=size)
        assert_error_names(exc, "size", str(size), f"lrn(x, size={size})")


@pytest.mark.task("q10.3")
def test_half_precision_and_5d_inputs_are_rejected():
    exc = raised_by(kernel.lrn, torch.ones(1, 6, 2, 2, dtype=torch.float16), size=5)
    assert_error_names(exc, "x", "half", "lrn(x) of a float16 x")
    exc = raised_by(kernel.lrn, torch.ones(1, 6, 2, 2, 2), size=5)
    assert_error_names(exc, "x", "5", "lrn(x) of a 5-D x")


@pytest.mark.task("q10.5")
def test_backward_edge_cases():
    for seed, (shape, size, alpha, beta, k) in enumerate(FORWARD_CASES[:4], start=40):
        params = {"size": size, "alpha": alpha, "beta": beta, "k": k}
        x = relu_activations(seed, shape, scale=3.0)
        dout = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
        dx = checked_call(kernel.lrn_backward, "lrn_backward(dout, x, ...)", dout, x, **params)
        assert_close(dx, alexnet_lrn_dx(dout, x, **params), name=f"lrn_backward(dout, x of shape {shape}, {params})",
                     **FLOAT64_TOL)


@pytest.mark.task("q10.5")
def test_backward_of_non_contiguous_tensors():
    params = {"size": 3, "alpha": 0.2, "beta": 0.75, "k": 1.0}
    x = relu_activations(50, (2, 6, 5, 7), scale=2.0).transpose(2, 3)
    dout = torch.randn(2, 6, 7, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(50))
    dout = dout.contiguous(memory_format=torch.channels_last)
    dx = checked_call(kernel.lrn_backward, "lrn_backward(dout, x, ...)", dout, x, **params)
    assert_close(dx, alexnet_lrn_dx(dout, x, **params), name="lrn_backward(dout, x) of non-contiguous tensors",
                 **FLOAT64_TOL)
