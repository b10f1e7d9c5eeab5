"""Hidden tests of q2.4-q2.6: fresh shapes from fixed seeds, the edge cases, and another demo matrix."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import ops
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

pooling = gradekit.submission("q2.pooling")
KERNELS = {"max": ops.max_pool2d, "avg": ops.avg_pool2d, "min": ops.min_pool2d}


def random_settings(seed, count):
    """(x shape, kernel, stride, padding) with padding <= kernel / 2 as torch requires; the last
    setting surely overlaps its windows and pads."""
    rng = np.random.default_rng(seed)
    settings = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        ph, pw = int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(kh, 12)), int(rng.integers(kw, 12)))
        stride = [None, int(rng.integers(1, 5)), (int(rng.integers(1, 4)), int(rng.integers(1, 4)))][int(rng.integers(0, 3))]
        settings.append((shape, (kh, kw), stride, (ph, pw)))
    return settings + [((1, 2, 9, 7), 3, 2, 1)]


# batch 1 with odd sizes, stride larger than the kernel, padding = kernel - 1 (kernel 2), a window
# as large as the padded input.
EDGE_CASES = [((1, 1, 5, 7), 2, 3, 1), ((2, 3, 6, 5), 3, 2, 1), ((1, 2, 3, 3), 3, None, 1), ((3, 1, 8, 9), (1, 3), 1, (0, 1))]


@pytest.mark.task("q2.4")
@pytest.mark.parametrize("source", ["edge cases", "random settings"])
def test_pool2d_on_fresh_shapes(source):
    rng = np.random.default_rng(41)
    for shape, kernel_size, stride, padding in (EDGE_CASES if source == "edge cases" else random_settings(42, 20)):
        x = rng.standard_normal(shape)
        for mode, kernel in KERNELS.items():
            assert_close(pooling.pool2d(x, kernel_size, stride, padding, mode),
                         kernel(torch.from_numpy(x), kernel_size, stride, padding), rtol=1e-12, atol=1e-12,
                         name=f"pool2d(x{shape}, {kernel_size}, {stride}, {padding}, {mode!r})")


@pytest.mark.task("q2.4")
def test_pool2d_in_float32():
    rng = np.random.default_rng(43)
    for shape, kernel_size, stride, padding in random_settings(44, 8):
        x = rng.standard_normal(shape).astype(np.float32)
        for mode, kernel in KERNELS.items():
            out = pooling.pool2d(x, kernel_size, stride, padding, mode)
            assert np.asarray(out).dtype == np.float32, f"pool2d of float32 input returned {np.asarray(out).dtype}"
            assert_close(out, kernel(torch.from_numpy(x), kernel_size, stride, padding), rtol=1e-6, atol=1e-6,
                         name=f"float32 pool2d(x{shape}, {kernel_size}, {stride}, {padding}, {mode!r})")


def check_backward_with_autograd(x, mode, kernel_size, stride, padding, dout_seed):
    xt = torch.from_numpy(x.copy()).requires_grad_()
    expected = (F.max_pool2d if mode == "max" else F.avg_pool2d)(xt, kernel_size, stride, padding)
    where = f"x{x.shape}, mode={mode!r}, kernel {kernel_size}, stride {stride}, padding {padding}"
    out, cache = pooling.pool2d_forward(x, kernel_size, stride, padding, mode)
    assert_close(out, expected.detach(), rtol=1e-12, atol=1e-12, name=f"pool2d_forward output ({where})")
    dout = np.random.default_rng(dout_seed).standard_normal(tuple(expected.shape))
    expected.backward(torch.from_numpy(dout))
    assert_close(pooling.pool2d_backward(dout, cache), xt.grad, rtol=1e-12, atol=1e-12, name=f"dx ({where})")


@pytest.mark.task("q2.5")
def test_pool2d_backward_on_fresh_shapes_with_ties():
    rng = np.random.default_rng(51)
    for i, (shape, kernel_size, stride, padding) in enumerate(EDGE_CASES + random_settings(52, 12)):
        x = rng.integers(-2, 3, size=shape).astype(np.float64)  # ties everywhere: the first maximum wins
        for mode in ("max", "avg"):
            check_backward_with_autograd(x, mode, kernel_size, stride, padding, dout_seed=i)


@pytest.mark.task("q2.5")
def test_pool2d_backward_matches_numeric_gradients_on_a_single_image():
    rng = np.random.default_rng(53)
    x = rng.standard_normal((1, 1, 7, 6))
    for mode, kernel_size, stride, padding in [("max", (2, 3), (3, 1), (1, 1)), ("avg", 3, 2, 1)]:
        out, cache = pooling.pool2d_forward(x, kernel_size, stride, padding, mode)
        assert_close(out, KERNELS[mode](torch.from_numpy(x), kernel_size, stride, padding), rtol=1e-12,
                     atol=1e-12, name=f"pool2d_forward output ({mode!r}, kernel {kernel_size}, stride {stride})")
        dout = rng.standard_normal(np.shape(out))
        numeric = numeric_gradient(lambda v: pooling.pool2d_forward(v, kernel_size, stride, padding, mode)[0],
                                   x.copy(), dout)
        assert_gradient(pooling.pool2d_backward(dout, cache), numeric, name=f"dx ({mode!r} pooling)")


@pytest.mark.task("q2.6")
def test_pooling_demo_with_negative_decimals(capsys):
    x = np.random.default_rng(61).standard_normal((4, 4))
    results = pooling.pooling_demo(x)
    labels = [m.lower() for m in re.findall(r"^\s*(original|max|average|min)\b", capsys.readouterr().out,
                                              re.IGNORECASE | re.MULTILINE)]
    assert labels == ["original", "max", "average", "min"], f"labels printed: {labels}"
    for mode, kernel in KERNELS.items():
        assert_close(results[mode], kernel(torch.from_numpy(x[None, None]), 2)[0, 0], rtol=1e-12, atol=1e-12,
                     name=f"pooling_demo(x)[{mode!r}]")
    assert_close(results["original"], x, rtol=0, atol=0, name="pooling_demo(x)['original']")
