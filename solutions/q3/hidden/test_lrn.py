"""Hidden tests of q3's LRN: fresh shapes, window sizes (even, larger than C), dtypes and constants.

References: gradekit.ops.lrn for both conventions, F.local_response_norm for the 'torch' one, and
autograd through both for the backward pass.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import ops
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

norm = gradekit.submission("q3.lrn")

# (shape, size, alpha, beta, k, dtype): window larger than C, even windows, batch 1, 1x1 maps,
# float32, AlexNet's norm2 width (256 channels). A window of one channel is tested on its own below:
# there both conventions coincide.
CASES = [
    ((1, 3, 4, 5), 5, 1e-2, 0.75, 2.0, np.float64),
    ((2, 9, 3, 3), 4, 0.2, 0.5, 1.0, np.float64),
    ((3, 6, 1, 1), 2, 1.0, 1.0, 0.5, np.float64),
    ((2, 5, 5, 4), 3, 0.3, 0.75, 1.0, np.float64),
    ((2, 256, 3, 3), 5, 1e-4, 0.75, 2.0, np.float32),
    ((1, 4, 7, 3), 7, 0.05, 1.5, 3.0, np.float32),
]


def case_input(seed, shape, dtype):
    rng = np.random.default_rng(seed)
    return (3.0 * rng.standard_normal(shape)).astype(dtype)


def tolerance(dtype):
    return {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-6}


def convention_sizes(size):
    """Both conventions on a case's window; AlexNet's is centred on the channel, so an even size
    becomes the next odd one there."""
    return [("torch", size), ("alexnet", size if size % 2 else size + 1)]


def describe(shape, size, alpha, beta, k, dtype, convention):
    return (f"lrn_forward(x of shape {shape} {np.dtype(dtype).name}, size={size}, alpha={alpha}, beta={beta}, "
            f"k={k}, convention={convention!r})")


@pytest.mark.task("q3.4")
@pytest.mark.parametrize("before,after", [(0, 0), (3, 0), (0, 2), (1, 4), (9, 9)])
def test_channel_window_sum_against_a_sliding_sum(before, after):
    a = np.random.default_rng(before * 10 + after).standard_normal((2, 6, 3, 2))
    # The window sum is a sum over a sliding window of ones on the zero-padded channel axis.
    padded = torch.nn.functional.pad(torch.from_numpy(a), (0, 0, 0, 0, before, after))
    expected = padded.unfold(1, before + after + 1, 1).sum(-1)
    assert_close(norm.channel_window_sum(a, before, after), expected, rtol=1e-12, atol=1e-12,
                 name=f"channel_window_sum(a of shape (2, 6, 3, 2), {before}, {after})")


@pytest.mark.task("q3.5")
@pytest.mark.parametrize("case", range(len(CASES)))
def test_forward_against_the_kernel(case):
    shape, size, alpha, beta, k, dtype = CASES[case]
    x = case_input(600 + case, shape, dtype)
    for convention, window in convention_sizes(size):
        out, _ = norm.lrn_forward(x, size=window, alpha=alpha, beta=beta, k=k, convention=convention)
        expected = ops.lrn(torch.from_numpy(x), size=window, alpha=alpha, beta=beta, k=k, convention=convention)
        assert_close(out, expected, name=describe(shape, window, alpha, beta, k, dtype, convention), **tolerance(dtype))


@pytest.mark.task("q3.5")
def test_forward_with_windows_of_one_channel_and_wider_than_all_channels():
    x = case_input(650, (2, 4, 3, 3), np.float64)
    for size, convention in [(1, "alexnet"), (1, "torch"), (9, "alexnet"), (9, "torch")]:
        out, _ = norm.lrn_forward(x, size=size, alpha=0.2, beta=0.75, k=1.0, convention=convention)
        expected = ops.lrn(torch.from_numpy(x), size=size, alpha=0.2, beta=0.75, k=1.0, convention=convention)
        assert_close(out, expected, rtol=1e-10, atol=1e-12,
                     name=describe(x.shape, size, 0.2, 0.75, 1.0, np.float64, convention))


@pytest.mark.task("q3.5")
def test_forward_keeps_dtype_and_matches_torch_on_non_contiguous_input():
    x = case_input(700, (4, 10, 6, 6), np.float32).transpose(0, 1, 3, 2)  # a view with permuted strides
    out, _ = norm.lrn_forward(x, size=3, alpha=0.1, beta=0.75, k=1.0, convention="torch")
    assert np.asarray(out).dtype == np.float32, f"float32 input gave a {np.asarray(out).dtype} output"
    expected = F.local_response_norm(torch.from_numpy(np.ascontiguousarray(x)), 3, alpha=0.1, beta=0.75, k=1.0)
    assert_close(out, expected, rtol=1e-5, atol=1e-6, name="lrn_forward(x transposed, float32, 'torch')")
    out, _ = norm.lrn_forward(x, size=3, alpha=0.1, beta=0.75, k=1.0, convention="alexnet")
    expected = F.local_response_norm(torch.from_numpy(np.ascontiguousarray(x)), 3, alpha=0.3, beta=0.75, k=1.0)
    assert_close(out, expected, rtol=1e-5, atol=1e-6, name="lrn_forward(x transposed, float32, 'alexnet')")


@pytest.mark.task("q3.6")
@pytest.mark.parametrize("case", [0, 1, 2, 3])  # the float64 cases
def test_backward_against_autograd_through_the_kernel(case):
    shape, size, alpha, beta, k, dtype = CASES[case]
    x = case_input(800 + case, shape, dtype)
    dout = np.random.default_rng(801).standard_normal(shape)
    for convention, window in convention_sizes(size):
        _, cache = norm.lrn_forward(x, size=window, alpha=alpha, beta=beta, k=k, convention=convention)
        dx = norm.lrn_backward(dout, cache)
        tx = torch.tensor(x, requires_grad=True)
        ops.lrn(tx, size=window, alpha=alpha, beta=beta, k=k, convention=convention).backward(torch.from_numpy(dout))
        assert_close(dx, tx.grad, rtol=1e-8, atol=1e-11,
                     name="dx of lrn_backward after " + describe(shape, window, alpha, beta, k, dtype, convention))


@pytest.mark.task("q3.6")
def test_backward_against_the_numeric_gradient_with_wide_and_single_channel_windows():
    x = case_input(900, (1, 7, 2, 3), np.float64)
    dout = np.random.default_rng(901).standard_normal(x.shape)
    for size, convention in [(6, "torch"), (7, "alexnet"), (1, "alexnet")]:
        params = {"size": size, "alpha": 0.4, "beta": 0.9, "k": 1.5, "convention": convention}
        _, cache = norm.lrn_forward(x, **params)
        # Finite differences of the kernel's forward pass, not of the submission's own.
        numeric = numeric_gradient(lambda v: ops.lrn(torch.from_numpy(v), **params).numpy(), x.copy(), dout)
        assert_gradient(norm.lrn_backward(dout, cache), numeric, tol=1e-6,
                        name=f"dx of lrn_backward (size {size}, {convention!r} convention)")


@pytest.mark.task("q3.7")
def test_forward_speed_on_alexnet_norm2(speed):
    def make_inputs(seed):  # AlexNet's second LRN layer: 256 maps of 13x13 (batch 8, float64)
        return (np.maximum(40.0 * np.random.default_rng(seed).standard_normal((8, 256, 13, 13)), 0),)

    def reference(x):
        return ops.lrn(torch.from_numpy(x), size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet")

    speed(norm.lrn, reference, make_inputs,
          check=lambda out, ref: assert_close(out, ref, rtol=1e-10, atol=1e-12, name="lrn_forward(x)"))
