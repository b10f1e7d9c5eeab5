"""q2.4-q2.7: pooling forward against gradekit's kernels, backward against numerics and autograd,
the seed's 4x4 demo, and speed."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import ops
from gradekit.checks.q2 import avg_pool_mistakes, max_pool_gradient_mistakes
from gradekit.testing import assert_close, assert_equal, assert_gradient, numeric_gradient

pooling = gradekit.submission("q2.pooling")

# (kernel_size, stride, padding): default stride, overlapping windows with padding, stride 1,
# rectangular windows, and a stride larger than the kernel.
GRID = [(2, None, 0), (3, 2, 1), (2, 1, 1), ((3, 2), (2, 1), (1, 0)), (2, 3, 0)]


def kernel_pool2d(x, mode, kernel_size, stride, padding):
    pool = {"max": ops.max_pool2d, "avg": ops.avg_pool2d, "min": ops.min_pool2d}[mode]
    return pool(torch.from_numpy(x), kernel_size, stride, padding).numpy()


def torch_pool_gradient(x, mode, kernel_size, stride, padding, dout):
    """Output and dx of torch's own max/avg pooling by autograd (ties: torch's first maximum)."""
    xt = torch.from_numpy(x.copy()).requires_grad_()
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    out = pool(xt, kernel_size, stride, padding)
    out.backward(torch.from_numpy(dout))
    return out.detach().numpy(), xt.grad.numpy()


@pytest.mark.task("q2.4")
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_pool2d_matches_the_kernels(dtype, tol):
    x = np.random.default_rng(24).standard_normal((2, 3, 7, 8)).astype(dtype)
    for mode in ("max", "avg", "min"):
        for kernel_size, stride, padding in GRID:
            out = pooling.pool2d(x, kernel_size, stride, padding, mode)
            where = f"pool2d(x{x.shape} {np.dtype(dtype).name}, {kernel_size}, {stride}, {padding}, mode={mode!r})"
            assert_close(out, kernel_pool2d(x, mode, kernel_size, stride, padding), rtol=tol, atol=tol, name=where,
                         mistakes=avg_pool_mistakes(x, kernel_size, stride, padding) if mode == "avg" else None)
            assert_equal(str(out.dtype), np.dtype(dtype).name, name=f"the dtype of {where}")


@pytest.mark.task("q2.5")
def test_pool2d_backward_matches_numeric_gradients():
    rng = np.random.default_rng(25)
    x = rng.standard_normal((2, 2, 5, 6))  # continuous values: no ties, so max pooling is differentiable
    for mode, kernel_size, stride, padding in [("max", 3, 2, 1), ("avg", 3, 2, 1), ("max", 2, None, 0)]:
        where = f"mode={mode!r}, kernel {kernel_size}, stride {stride}, padding {padding}"
        out, cache = pooling.pool2d_forward(x, kernel_size, stride, padding, mode)
        assert_close(out, kernel_pool2d(x, mode, kernel_size, stride, padding), rtol=1e-12, atol=1e-12,
                     name=f"pool2d_forward output ({where})",
                     mistakes=avg_pool_mistakes(x, kernel_size, stride, padding) if mode == "avg" else None)
        dout = rng.standard_normal(np.shape(out))
        numeric = numeric_gradient(lambda v: pooling.pool2d_forward(v, kernel_size, stride, padding, mode)[0],
                                   x.copy(), dout)
        assert_gradient(pooling.pool2d_backward(dout, cache), numeric, name=f"dx ({where})")


@pytest.mark.task("q2.5")
def test_pool2d_backward_matches_autograd_with_ties():
    rng = np.random.default_rng(26)
    x = rng.integers(0, 3, size=(2, 3, 7, 8)).astype(np.float64)  # many ties inside each window
    for mode, kernel_size, stride, padding in [("max", 3, 2, 1), ("max", 2, 1, 0), ("avg", 3, 1, 1), ("avg", 2, 3, 0)]:
        out, cache = pooling.pool2d_forward(x, kernel_size, stride, padding, mode)
        dout = rng.standard_normal(np.shape(out))
        expected_out, expected_dx = torch_pool_gradient(x, mode, kernel_size, stride, padding, dout)
        where = f"mode={mode!r}, kernel {kernel_size}, stride {stride}, padding {padding}"
        assert_close(out, expected_out, rtol=1e-12, atol=1e-12, name=f"pool2d_forward output ({where})",
                     mistakes=avg_pool_mistakes(x, kernel_size, stride, padding) if mode == "avg" else None)
        assert_close(pooling.pool2d_backward(dout, cache), expected_dx, rtol=1e-12, atol=1e-12, name=f"dx ({where})",
                     mistakes=max_pool_gradient_mistakes(x, kernel_size, stride, padding, dout) if mode == "max" else None)


LABELS = [("original", "original"), ("max", "max"), ("avg", "average"), ("min", "min")]


@pytest.mark.task("q2.6")
def test_pooling_demo_prints_and_returns_the_four_matrices(capsys):
    x = np.random.default_rng(6).integers(0, 10, size=(4, 4)).astype(np.float64)
    results = pooling.pooling_demo(x)
    printed = {}
    current = None
    for line in capsys.readouterr().out.splitlines():
        word = re.match(r"\s*(original|max|average|min)\b", line, re.IGNORECASE)
        if word:
            current = word.group(1).lower()
            printed[current] = []
        elif current:
            printed[current] += [float(v) for v in re.findall(r"[-+]?\d+\.?\d*(?:[eE][-+]?\d+)?", line)]
    assert_equal(list(printed), [label for _, label in LABELS], name="the labels printed, in order")
    batch = x[None, None]
    expected = {"original": x, **{mode: kernel_pool2d(batch, mode, 2, 2, 0)[0, 0] for mode in ("max", "avg", "min")}}
    for key, label in LABELS:
        assert key in results, f"pooling_demo's dict has no key {key!r}; its keys: {list(results)}"
        assert_close(results[key], expected[key], rtol=1e-12, atol=1e-12, name=f"the returned {key!r} matrix")
        assert_close(printed[label], expected[key].ravel(), rtol=1e-6, atol=1e-6, name=f"the numbers printed under {label!r}")


@pytest.mark.task("q2.7")
def test_max_pool_speed(speed):
    def make_inputs(seed):
        return (np.random.default_rng(seed).standard_normal((8, 64, 55, 55)),)

    def reference(x):
        return ops.max_pool2d(torch.from_numpy(x), 3, 2, 0)

    speed(pooling.pool2d, reference, make_inputs,
          check=lambda out, ref: assert_close(out, ref, rtol=0, atol=0, name="pool2d(x, 3, 2, 0, 'max')"),
          kwargs={"kernel_size": 3, "stride": 2, "padding": 0, "mode": "max"})
