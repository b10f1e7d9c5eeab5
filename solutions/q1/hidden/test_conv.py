"""Hidden tests of q1.3-q1.5: fresh shapes and values from fixed seeds, and the edge cases."""
import re

import numpy as np
import pytest
import torch

import gradekit
from gradekit import ops
from gradekit.testing import assert_close, assert_equal

conv = gradekit.submission("q1.conv")

# (x shape, w shape, stride, padding): batch 1, odd sizes, stride larger than the kernel, padding
# of kernel - 1, a kernel as large as the input. The first pads its width unevenly under SAME.
EDGE_CASES = [
    ((1, 2, 5, 7), (3, 2, 2, 2), 3, "same"),
    ((2, 1, 6, 5), (2, 1, 3, 3), 1, 2),
    ((1, 3, 4, 4), (2, 3, 4, 4), 2, (1, 0)),
    ((2, 2, 9, 6), (3, 2, 3, 2), 2, "valid"),
    ((1, 1, 3, 3), (1, 1, 1, 1), 4, 0),
    ((3, 2, 8, 7), (2, 2, 5, 3), 2, "same"),
]


def expected_conv2d(x, w, b, stride, padding):
    tensors = [None if a is None else torch.from_numpy(a) for a in (x, w, b)]
    return ops.conv2d(*tensors, stride=stride, padding=padding).numpy()


def check_cases(fn, name, cases, seed, dtype=np.float64, bias=True, tol=1e-10):
    rng = np.random.default_rng(seed)
    for x_shape, w_shape, stride, padding in cases:
        x = rng.standard_normal(x_shape).astype(dtype)
        w = rng.standard_normal(w_shape).astype(dtype)
        b = rng.standard_normal(w_shape[0]).astype(dtype) if bias else None
        assert_close(fn(x, w, b, stride=stride, padding=padding), expected_conv2d(x, w, b, stride, padding),
                     rtol=tol, atol=tol, name=f"{name}(x{x_shape}, w{w_shape}, stride={stride}, padding={padding!r})")


def random_cases(seed, count):
    """Random shapes and settings, followed by one case that surely pads unevenly with stride 2."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        n, c, f = (int(v) for v in rng.integers(1, 4, size=3))
        h, w = int(rng.integers(kh, 12)), int(rng.integers(kw, 12))
        padding = [int(rng.integers(0, kh)), "valid", "same", (kh - 1, kw - 1)][int(rng.integers(0, 4))]
        cases.append(((n, c, h, w), (f, c, kh, kw), int(rng.integers(1, 4)), padding))
    return cases + [((2, 3, 10, 9), (2, 3, 3, 3), 2, "same")]


@pytest.mark.task("q1.3")
def test_conv2d_naive_on_edge_cases():
    check_cases(conv.conv2d_naive, "conv2d_naive", EDGE_CASES, seed=31)


@pytest.mark.task("q1.3")
def test_conv2d_naive_on_random_shapes_in_float32_without_bias():
    check_cases(conv.conv2d_naive, "conv2d_naive", random_cases(32, 8), seed=33, dtype=np.float32, bias=False,
                tol=1e-4)


@pytest.mark.task("q1.4")
def test_conv2d_on_edge_cases():
    check_cases(conv.conv2d, "conv2d", EDGE_CASES, seed=41)


@pytest.mark.task("q1.4")
def test_conv2d_on_random_shapes():
    check_cases(conv.conv2d, "conv2d", random_cases(42, 25), seed=43)


@pytest.mark.task("q1.4")
def test_conv2d_in_float32_without_bias():
    check_cases(conv.conv2d, "conv2d", random_cases(44, 8), seed=45, dtype=np.float32, bias=False, tol=1e-4)


@pytest.mark.task("q1.5")
def test_seed_table_on_a_7x5_input(capsys):
    rng = np.random.default_rng(51)
    x = rng.standard_normal((7, 5))
    w = rng.standard_normal((3, 3))
    maps = conv.seed_table(x, w)
    labels = [(int(s), p.lower()) for s, p in
              re.findall(r"stride\s*=?\s*(\d+)\W+padding\s*=?\s*(valid|same)", capsys.readouterr().out, re.I)]
    order = [(1, "valid"), (1, "same"), (2, "valid"), (2, "same")]
    assert_equal(labels, order, name="the (stride, padding) labels printed, in order")
    for (stride, padding), shape in zip(order, [(5, 3), (7, 5), (3, 2), (4, 3)]):
        assert (stride, padding) in maps, f"seed_table's dict has no key {(stride, padding)!r}"
        assert_equal(np.shape(maps[(stride, padding)]), shape, name=f"the {stride}/{padding} map's shape")
        assert_close(maps[(stride, padding)], expected_conv2d(x[None, None], w[None, None], None, stride, padding)[0, 0],
                     rtol=1e-10, atol=1e-10, name=f"the stride={stride}, padding={padding.upper()} map")
