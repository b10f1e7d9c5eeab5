"""q1.3, q1.4, q1.5, q1.7: forward convolution against gradekit's kernel, the seed's table, and speed."""
import re

import numpy as np
import pytest
import torch

import gradekit
from gradekit import ops
from gradekit.checks.q1 import conv2d_mistakes
from gradekit.testing import assert_close, assert_equal

conv = gradekit.submission("q1.conv")

# Every (stride, padding) below is checked on every input: explicit, pair, valid and SAME padding,
# stride 1 and 2. On 7x8 inputs SAME with stride 2 pads the width unevenly (0 left, 1 right).
GRID = [(1, 0), (2, 1), (1, (1, 2)), (2, "valid"), (2, "same"), (1, "same")]


def kernel_conv2d(x, w, b, stride, padding):
    """gradekit.ops.conv2d on numpy arrays (the reference every result is compared with)."""
    as_tensor = (lambda a: None if a is None else torch.from_numpy(a))
    return ops.conv2d(as_tensor(x), as_tensor(w), as_tensor(b), stride=stride, padding=padding).numpy()


def check_grid(fn, x, w, b, name, rtol=1e-10, atol=1e-10):
    for stride, padding in GRID:
        got = fn(x, w, b, stride=stride, padding=padding)
        assert_close(got, kernel_conv2d(x, w, b, stride, padding), rtol=rtol, atol=atol,
                     name=f"{name}(x, w, b, stride={stride}, padding={padding!r}) with x{x.shape}, w{w.shape}",
                     mistakes=conv2d_mistakes(x, w, b, stride, padding))


def random_conv_inputs(seed, x_shape, w_shape, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype),
            rng.standard_normal(w_shape[0]).astype(dtype))


@pytest.mark.task("q1.3")
def test_conv2d_naive_matches_the_kernel():
    x, w, b = random_conv_inputs(3, (2, 3, 7, 8), (4, 3, 3, 3))
    check_grid(conv.conv2d_naive, x, w, b, "conv2d_naive")


@pytest.mark.task("q1.4")
def test_conv2d_matches_the_kernel():
    x, w, b = random_conv_inputs(4, (3, 3, 7, 8), (5, 3, 3, 3))
    check_grid(conv.conv2d, x, w, b, "conv2d")


@pytest.mark.task("q1.4")
def test_conv2d_keeps_float32_and_takes_rectangular_kernels():
    x, w, b = random_conv_inputs(14, (2, 2, 9, 8), (3, 2, 2, 3), dtype=np.float32)
    check_grid(conv.conv2d, x, w, b, "conv2d", rtol=1e-5, atol=1e-5)
    out = conv.conv2d(x, w, b, stride=1, padding=0)
    assert_equal(str(out.dtype), "float32", name="conv2d(float32 input).dtype")


LABEL = re.compile(r"stride\s*=?\s*(\d+)\W+padding\s*=?\s*(valid|same)", re.IGNORECASE)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def printed_maps(text):
    """[(stride, padding, [numbers printed under that label]), ...] in printing order."""
    blocks = []
    for line in text.splitlines():
        label = LABEL.search(line)
        if label:
            blocks.append((int(label.group(1)), label.group(2).lower(), []))
        elif blocks:
            blocks[-1][2].extend(float(v) for v in NUMBER.findall(line))
    return blocks


@pytest.mark.task("q1.5")
def test_seed_table_returns_and_prints_the_four_maps(capsys):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 10, size=(5, 5)).astype(np.float64)
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0], [0.0, -1.0, 3.0]])  # asymmetric: flipping it changes the maps
    maps = conv.seed_table(x, w)
    blocks = printed_maps(capsys.readouterr().out)
    # The seed's figures: 3x3, 5x5, 2x2 and 3x3.
    shapes = {(1, "valid"): (3, 3), (1, "same"): (5, 5), (2, "valid"): (2, 2), (2, "same"): (3, 3)}
    assert_equal([(s, p) for s, p, _ in blocks], list(shapes), name="the (stride, padding) labels printed, in order")
    for (stride, padding), numbers in zip(shapes, (numbers for _, _, numbers in blocks)):
        assert (stride, padding) in maps, f"seed_table's dict has no key {(stride, padding)!r}; its keys: {list(maps)}"
        expected = kernel_conv2d(x[None, None], w[None, None], None, stride, padding)[0, 0]
        assert_equal(np.shape(maps[(stride, padding)]), shapes[(stride, padding)],
                     name=f"the shape of the stride={stride}, padding={padding.upper()} map")
        assert_close(maps[(stride, padding)], expected, rtol=1e-12, atol=1e-12,
                     name=f"the returned stride={stride}, padding={padding.upper()} map",
                     mistakes={k: v[0, 0] for k, v in conv2d_mistakes(x[None, None], w[None, None], None, stride,
                                                                      padding).items()})
        assert_close(numbers, expected.ravel(), rtol=1e-6, atol=1e-6,
                     name=f"the numbers printed under stride={stride}, padding={padding.upper()}")


@pytest.mark.task("q1.7")
def test_conv2d_speed(speed):
    def make_inputs(seed):
        return random_conv_inputs(seed, (16, 3, 64, 64), (32, 3, 3, 3))

    def reference(x, w, b):
        return ops.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), padding=1)

    speed(conv.conv2d, reference, make_inputs,
          check=lambda out, ref: assert_close(out, ref, rtol=1e-8, atol=1e-10, name="conv2d(x, w, b, padding=1)"),
          kwargs={"stride": 1, "padding": 1})
