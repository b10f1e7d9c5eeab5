"""q1.6: the backward pass against numeric gradients and against autograd through gradekit's kernel."""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import ops
from gradekit.checks.q1 import conv2d_mistakes
from gradekit.testing import assert_close, assert_gradient, numeric_gradient

backward = gradekit.submission("q1.backward")


def autograd_conv2d(x, w, b, stride, padding, dout):
    """Output and (dx, dw, db) of gradekit.ops.conv2d by autograd, for upstream gradient dout."""
    xt, wt, bt = (torch.from_numpy(a.copy()).requires_grad_() for a in (x, w, b))
    out = ops.conv2d(xt, wt, bt, stride=stride, padding=padding)
    out.backward(torch.from_numpy(dout))
    return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def check_against_autograd(x, w, b, stride, padding, seed):
    where = f"stride={stride}, padding={padding!r}, x{x.shape}, w{w.shape}"
    out, cache = backward.conv2d_forward(x, w, b, stride, padding)
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    expected_out, dx, dw, db = autograd_conv2d(x, w, b, stride, padding, dout)
    assert_close(out, expected_out, rtol=1e-10, atol=1e-10, name=f"conv2d_forward output ({where})",
                 mistakes=conv2d_mistakes(x, w, b, stride, padding))
    got = backward.conv2d_backward(dout, cache)
    for name, grad, expected in zip(("dx", "dw", "db"), got, (dx, dw, db)):
        assert_close(grad, expected, rtol=1e-9, atol=1e-9, name=f"{name} from conv2d_backward ({where})")


@pytest.mark.task("q1.6")
def test_conv2d_backward_matches_numeric_gradients():
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((2, 2, 4, 5)), rng.standard_normal((2, 2, 3, 3)), rng.standard_normal(2)
    # SAME with stride 2 pads the height unevenly (0 top, 1 bottom); (1, 1) is plain zero padding.
    for stride, padding in [(2, "same"), (1, 1)]:
        where = f"(stride={stride}, padding={padding!r})"
        out, cache = backward.conv2d_forward(x, w, b, stride, padding)
        expected = ops.conv2d(*(torch.from_numpy(a) for a in (x, w, b)), stride=stride, padding=padding)
        assert_close(out, expected, rtol=1e-10, atol=1e-10, name=f"conv2d_forward output {where}",
                     mistakes=conv2d_mistakes(x, w, b, stride, padding))
        dout = rng.standard_normal(np.shape(out))
        dx, dw, db = backward.conv2d_backward(dout, cache)
        assert_gradient(dx, numeric_gradient(lambda v: backward.conv2d_forward(v, w, b, stride, padding)[0],
                                             x.copy(), dout), name=f"dx {where}")
        assert_gradient(dw, numeric_gradient(lambda v: backward.conv2d_forward(x, v, b, stride, padding)[0],
                                             w.copy(), dout), name=f"dw {where}")
        assert_gradient(db, numeric_gradient(lambda v: backward.conv2d_forward(x, w, v, stride, padding)[0],
                                             b.copy(), dout), name=f"db {where}")


@pytest.mark.task("q1.6")
def test_conv2d_backward_matches_autograd():
    rng = np.random.default_rng(16)
    x, w, b = rng.standard_normal((3, 3, 7, 8)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
    for seed, (stride, padding) in enumerate([(2, "same"), (2, (1, 2)), (1, "valid")]):
        check_against_autograd(x, w, b, stride, padding, seed)
