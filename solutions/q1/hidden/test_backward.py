"""Hidden tests of q1.6: gradients on fresh shapes and the edge cases, against autograd and numerics."""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import ops
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

backward = gradekit.submission("q1.backward")


def check_gradients(x_shape, w_shape, stride, padding, rng):
    """conv2d_forward's output and conv2d_backward's (dx, dw, db) against autograd through ops.conv2d."""
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    where = f"x{x_shape}, w{w_shape}, stride={stride}, padding={padding!r}"
    leaves = [torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b)]
    expected = ops.conv2d(*leaves, stride=stride, padding=padding)
    out, cache = backward.conv2d_forward(x, w, b, stride, padding)
    assert_close(out, expected.detach(), rtol=1e-10, atol=1e-10, name=f"conv2d_forward output ({where})")
    dout = rng.standard_normal(tuple(expected.shape))
    expected.backward(torch.from_numpy(dout))
    for name, grad, leaf in zip(("dx", "dw", "db"), backward.conv2d_backward(dout, cache), leaves):
        assert_close(grad, leaf.grad, rtol=1e-9, atol=1e-9, name=f"{name} ({where})")


@pytest.mark.task("q1.6")
def test_backward_on_edge_cases():
    rng = np.random.default_rng(61)
    # batch 1 with stride 3 over a 2x2 kernel (uneven SAME), padding = kernel - 1, a pair padding
    for case in [((1, 2, 5, 7), (3, 2, 2, 2), 3, "same"), ((2, 1, 6, 5), (2, 1, 3, 3), 1, 2),
                 ((1, 3, 7, 6), (2, 3, 3, 2), 2, (2, 1)), ((2, 2, 4, 4), (1, 2, 4, 4), 1, "valid")]:
        check_gradients(*case, rng)


@pytest.mark.task("q1.6")
def test_backward_on_random_shapes():
    rng = np.random.default_rng(62)
    for _ in range(10):
        kh, kw = (int(v) for v in rng.integers(1, 5, size=2))
        x_shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(kh, 11)), int(rng.integers(kw, 11)))
        padding = [int(rng.integers(0, kh)), "valid", "same"][int(rng.integers(0, 3))]
        check_gradients(x_shape, (int(rng.integers(1, 4)), x_shape[1], kh, kw), int(rng.integers(1, 4)), padding, rng)
    check_gradients((2, 2, 9, 8), (3, 2, 3, 3), 2, "same", rng)  # surely strided and uneven


@pytest.mark.task("q1.6")
def test_backward_matches_numeric_gradients_with_a_rectangular_kernel():
    rng = np.random.default_rng(63)
    x, w, b = rng.standard_normal((1, 2, 7, 6)), rng.standard_normal((2, 2, 2, 3)), rng.standard_normal(2)
    out, cache = backward.conv2d_forward(x, w, b, 2, "same")
    expected = ops.conv2d(*(torch.from_numpy(a) for a in (x, w, b)), stride=2, padding="same")
    assert_close(out, expected, rtol=1e-10, atol=1e-10, name="conv2d_forward output (stride=2, padding='same')")
    dout = rng.standard_normal(np.shape(out))
    dx, dw, db = backward.conv2d_backward(dout, cache)
    forward = backward.conv2d_forward
    assert_gradient(dx, numeric_gradient(lambda v: forward(v, w, b, 2, "same")[0], x.copy(), dout), name="dx")
    assert_gradient(dw, numeric_gradient(lambda v: forward(x, v, b, 2, "same")[0], w.copy(), dout), name="dw")
    assert_gradient(db, numeric_gradient(lambda v: forward(x, w, v, 2, "same")[0], b.copy(), dout), name="db")
