"""Visible tests of q3's local response normalization.

References: gradekit.ops.lrn (both conventions) and torch.nn.functional.local_response_norm, which
computes the 'torch' convention; AlexNet's convention equals it with alpha multiplied by size.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import ops
from gradekit.checks.q3 import lrn_mistakes
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

norm = gradekit.submission("q3.lrn")

ALEXNET = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0}


def relu_activations(rng, shape, scale, dtype=np.float64):
    """Non-negative activations large enough for the normalization to change them noticeably."""
    return np.maximum(scale * rng.standard_normal(shape), 0).astype(dtype)


def torch_lrn(x, size, alpha, beta, k, convention):
    """F.local_response_norm applies alpha / size to the window sum; AlexNet applies alpha itself."""
    scaled_alpha = alpha * size if convention == "alexnet" else alpha
    return F.local_response_norm(torch.from_numpy(x), size, alpha=scaled_alpha, beta=beta, k=k)


def kernel_lrn(x, size, alpha, beta, k, convention):
    return ops.lrn(torch.from_numpy(x), size=size, alpha=alpha, beta=beta, k=k, convention=convention)


@pytest.mark.task("q3.5")
def test_forward_with_alexnet_constants_matches_the_kernel():
    rng = np.random.default_rng(41)
    x = relu_activations(rng, (2, 96, 6, 7), scale=60.0)  # AlexNet's norm1 sees 96 channels after ReLU
    out, _ = norm.lrn_forward(x)  # the defaults are AlexNet's: n=5, alpha=1e-4, beta=0.75, k=2
    expected = kernel_lrn(x, convention="alexnet", **ALEXNET)
    assert_close(out, expected, rtol=1e-10, atol=1e-12, name="lrn_forward(x) with AlexNet's defaults",
                 mistakes=lrn_mistakes(x, convention="alexnet", **ALEXNET))
    assert_close(out, torch_lrn(x, convention="alexnet", **ALEXNET), rtol=1e-10, atol=1e-12,
                 name="lrn_forward(x) against F.local_response_norm(x, 5, alpha=5e-4, beta=0.75, k=2)")


@pytest.mark.task("q3.5")
def test_forward_both_conventions_match_torch():
    rng = np.random.default_rng(42)
    x = rng.standard_normal((3, 7, 4, 5))
    params = {"size": 3, "alpha": 0.3, "beta": 0.6, "k": 1.0}
    for convention in ("alexnet", "torch"):
        out, _ = norm.lrn_forward(x, convention=convention, **params)
        assert_close(out, torch_lrn(x, convention=convention, **params), rtol=1e-10, atol=1e-12,
                     name=f"lrn_forward(x, size=3, alpha=0.3, beta=0.6, k=1, convention={convention!r})",
                     mistakes=lrn_mistakes(x, convention=convention, **params))


@pytest.mark.task("q3.4")
def test_channel_window_sum_by_hand():
    # Channels hold 1, 2, 4, 8, 16 at every pixel; windows clip at the first and last channel.
    a = np.broadcast_to(2.0 ** np.arange(5)[None, :, None, None], (2, 5, 2, 3)).copy()
    sums = norm.channel_window_sum(a, 2, 1)  # window [c-2, c+1]
    expected = np.array([1 + 2, 1 + 2 + 4, 1 + 2 + 4 + 8, 2 + 4 + 8 + 16, 4 + 8 + 16], dtype=np.float64)
    assert_close(sums, np.broadcast_to(expected[None, :, None, None], a.shape), name="channel_window_sum(a, 2, 1)")


@pytest.mark.task("q3.6")
def test_backward_matches_the_numeric_gradient():
    rng = np.random.default_rng(43)
    x = rng.standard_normal((2, 6, 2, 2))
    params = {"size": 5, "alpha": 0.5, "beta": 0.75, "k": 2.0}  # alpha large: the cross terms matter
    dout = rng.standard_normal(x.shape)
    for convention in ("alexnet", "torch"):
        _, cache = norm.lrn_forward(x, convention=convention, **params)
        dx = norm.lrn_backward(dout, cache)
        # Finite differences of torch's LRN: dx must be the gradient of the true function.
        numeric = numeric_gradient(lambda v: torch_lrn(v, convention=convention, **params).numpy(), x.copy(), dout)
        assert_gradient(dx, numeric, name=f"dx of lrn_backward ({convention!r} convention)")


@pytest.mark.task("q3.6")
def test_backward_matches_autograd():
    rng = np.random.default_rng(44)
    x = relu_activations(rng, (2, 8, 4, 4), scale=30.0)
    params = {"alpha": 1e-3, "beta": 0.75, "k": 2.0}
    dout = rng.standard_normal(x.shape)
    for convention, size in (("alexnet", 5), ("torch", 4)):  # AlexNet's window is centred: odd sizes only
        _, cache = norm.lrn_forward(x, size=size, convention=convention, **params)
        dx = norm.lrn_backward(dout, cache)
        tx = torch.tensor(x, requires_grad=True)
        ops.lrn(tx, size=size, convention=convention, **params).backward(torch.tensor(dout))
        assert_close(dx, tx.grad, rtol=1e-8, atol=1e-11, name=f"dx of lrn_backward ({convention!r} convention, size {size})")


@pytest.mark.task("q3.7")
def test_forward_speed_on_alexnet_norm1(speed):
    # CaffeNet's norm1 input (it pools first): 96 maps of 27x27, batch 8, float64. The paper's
    # norm1 sees 96@55x55, before pool1; the smaller maps keep the test quick.
    def make_inputs(seed):
        return (relu_activations(np.random.default_rng(seed), (8, 96, 27, 27), scale=60.0),)

    def reference(x):
        return ops.lrn(torch.from_numpy(x), convention="alexnet", **ALEXNET)

    speed(norm.lrn, reference, make_inputs,
          check=lambda out, ref: assert_close(out, ref, rtol=1e-10, atol=1e-12, name="lrn_forward(x)"))
