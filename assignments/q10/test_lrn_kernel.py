"""Visible tests of q10: AlexNet's LRN as a C++ kernel compiled with load_inline.

References: gradekit.ops.lrn with convention='alexnet' (and its autograd for the backward pass), and
torch.nn.functional.local_response_norm, which divides alpha by size: AlexNet's LRN equals it with
alpha multiplied by size. Every call of the kernel runs under gradekit.probes.q10.aten_calls, which
records the ATen operators the C++ calls: only memory operators are allowed.
The first test to call the kernel compiles it (once per run; later runs load it from disk).
"""
import pytest
import torch

import gradekit
from gradekit import ops
from gradekit.probes import q10 as probes_q10
from gradekit.checks.q10 import (ALEXNET, FLOAT32_TOL, FLOAT64_TOL, alexnet_lrn_dx, assert_alexnet_lrn,
                                 assert_error_names, checked_call, raised_by, relu_activations)
from gradekit.testing import assert_close

kernel = gradekit.submission("q10.lrn_kernel")


def checked_lrn(x, **params):
    return checked_call(kernel.lrn, "lrn(x, ...)", x, **params)


def checked_lrn_backward(dout, x, **params):
    return checked_call(kernel.lrn_backward, "lrn_backward(dout, x, ...)", dout, x, **params)


@pytest.mark.task("q10.1")
def test_source_compiles_and_exposes_lrn_forward():
    assert isinstance(kernel.lrn_source(), str), "lrn_source() returns the C++ source as a str"
    names = probes_q10.public_callables(kernel.build())
    assert "lrn_forward" in names, f"the compiled module has no lrn_forward; it has {names}"


@pytest.mark.task("q10.2")
def test_forward_float64_with_alexnet_constants():
    x = relu_activations(1, (2, 96, 6, 7))  # AlexNet's norm1 sees 96 channels after ReLU
    out = checked_lrn(x, **ALEXNET)
    assert out.dtype == torch.float64, f"lrn of a float64 tensor returns float64, got {out.dtype}"
    assert_alexnet_lrn(out, x, FLOAT64_TOL, **ALEXNET)


@pytest.mark.task("q10.2")
def test_forward_float32_with_other_constants():
    x = relu_activations(2, (3, 16, 9, 11), scale=3.0, dtype=torch.float32)
    params = {"size": 3, "alpha": 0.05, "beta": 0.6, "k": 1.0}  # alpha large: the window matters
    out = checked_lrn(x, **params)
    assert out.dtype == torch.float32, f"lrn of a float32 tensor returns float32, got {out.dtype}"
    assert_alexnet_lrn(out, x, FLOAT32_TOL, **params)


@pytest.mark.task("q10.2")
def test_forward_edge_shapes():
    params = {"size": 7, "alpha": 0.01, "beta": 0.75, "k": 2.0}
    # Batch 1, fewer channels than the window (every window is clipped at both ends), odd sizes.
    x = torch.randn(1, 3, 5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    assert_alexnet_lrn(checked_lrn(x, **params), x, FLOAT64_TOL, **params)
    # Not contiguous: every other channel of a channels-last tensor.
    x = relu_activations(4, (2, 12, 5, 6), scale=5.0).contiguous(memory_format=torch.channels_last)[:, ::2]
    assert_alexnet_lrn(checked_lrn(x, **params), x, FLOAT64_TOL, **params)


@pytest.mark.task("q10.3")
def test_even_size_is_rejected_naming_size():
    exc = raised_by(kernel.lrn, torch.ones(1, 6, 2, 2), size=4)
    assert_error_names(exc, "size", "4", "lrn(x, size=4) (the window is centred, so size is odd)")


@pytest.mark.task("q10.3")
def test_wrong_rank_is_rejected_naming_x():
    exc = raised_by(kernel.lrn, torch.ones(6, 2, 2), size=5)
    assert_error_names(exc, "x", "3", "lrn(x) of a 3-D x (x is N, C, H, W)")


@pytest.mark.task("q10.3")
def test_integer_dtype_is_rejected_naming_x():
    exc = raised_by(kernel.lrn, torch.ones(1, 6, 2, 2, dtype=torch.int32), size=5)
    assert_error_names(exc, "x", "int", "lrn(x) of an int32 x (the kernel computes in float32 or float64)")


@pytest.mark.task("q10.4")
def test_forward_speed_on_alexnet_norm1(speed):
    def make_inputs(seed):  # AlexNet's first LRN layer at 227x227 input: 96 maps of 55x55 (batch 8)
        return (relu_activations(seed, (8, 96, 55, 55), dtype=torch.float32),)

    checked_lrn(*make_inputs(99), **ALEXNET)  # speed counts only for a kernel that computes itself
    speed(kernel.lrn, lambda x: ops.lrn(x, convention="alexnet", **ALEXNET), make_inputs,
          check=lambda out, ref: assert_close(out, ref, name="lrn(x) of shape (8, 96, 55, 55), float32", **FLOAT32_TOL))


@pytest.mark.task("q10.5")
def test_backward_float64_matches_autograd():
    x = relu_activations(5, (2, 8, 5, 4), scale=3.0)
    dout = torch.randn(x.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    params = {"size": 5, "alpha": 0.5, "beta": 0.75, "k": 2.0}  # alpha large: the cross terms matter
    assert_close(checked_lrn_backward(dout, x, **params), alexnet_lrn_dx(dout, x, **params),
                 name=f"lrn_backward(dout, x, {params})", **FLOAT64_TOL)


@pytest.mark.task("q10.5")
def test_backward_float32_with_alexnet_constants():
    x = relu_activations(6, (2, 96, 4, 3), dtype=torch.float32)
    dout = torch.randn(x.shape, generator=torch.Generator().manual_seed(6))
    assert_close(checked_lrn_backward(dout, x, **ALEXNET), alexnet_lrn_dx(dout, x, **ALEXNET),
                 name="lrn_backward(dout, x) with AlexNet's constants, float32", **FLOAT32_TOL)
