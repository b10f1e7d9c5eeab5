"""gradekit.ops.conv2d against torch.nn.functional.conv2d, and its TensorFlow-style SAME padding."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

# (N, C_in, H, W, C_out, kernel, stride, padding, dilation, groups): batch 1, odd sizes, channel
# counts that are not multiples of a vector width, rectangular kernels, depthwise and 1x1
# (which skips im2col), inputs whose im2col matrix spans several bands of rows, many small
# images sharing one band, output channels in several blocks and taps in several chunks (the
# direct kernel), a kernel covering the whole input (a fully connected layer, as LeNet-5's C5),
# and grouped layers over 1x1 images, whose bands of several images are views with a column
# stride other than 1 (one channel per group: the pointwise forward; strided 1x1 kernels: the
# weight gradient), which the small-product loops once rejected with an internal assert.
CASES = [
    (1, 3, 7, 7, 5, 3, 1, 0, 1, 1),
    (2, 5, 11, 9, 17, 3, 2, 1, 1, 1),
    (3, 17, 13, 13, 4, (3, 5), (1, 2), (1, 2), 1, 1),
    (2, 4, 15, 12, 6, 3, 1, 2, 2, 2),
    (2, 6, 9, 9, 6, 3, 1, 1, 1, 6),
    (2, 5, 8, 7, 3, 1, 1, 0, 1, 1),
    (1, 8, 10, 10, 4, 1, 2, 1, 1, 2),
    (2, 3, 23, 23, 2, 11, 4, 0, 1, 1),
    (1, 64, 40, 120, 3, 3, 1, 1, 1, 1),
    (3, 64, 40, 120, 3, 3, 1, 1, 1, 1),
    (37, 6, 14, 14, 16, 5, 1, 0, 1, 1),
    (33, 3, 9, 9, 40, 3, 1, 1, 1, 1),
    (5, 16, 5, 5, 12, 5, 1, 0, 1, 1),
    (2, 80, 6, 7, 20, 3, 1, 1, 1, 1),
    (3, 3, 1, 1, 6, 1, 1, 0, 1, 3),
    (3, 12, 1, 1, 12, 1, 3, 0, 1, 3),
]


def _inputs(rand, case, dtype, device):
    n, c, h, w, o, k, stride, padding, dilation, groups = case
    kh, kw = (k, k) if isinstance(k, int) else k
    return (
        rand(n, c, h, w, dtype=dtype, device=device),
        rand(o, c // groups, kh, kw, dtype=dtype, device=device),
        rand(o, dtype=dtype, device=device),
        dict(stride=stride, padding=padding, dilation=dilation, groups=groups),
    )


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: "x".join(map(str, c[:4])) + f"-o{c[4]}-k{c[5]}-s{c[6]}-p{c[7]}-d{c[8]}-g{c[9]}"
)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_forward_matches_torch(ops, device, rand, assert_close, case, dtype):
    x, w, b, kw = _inputs(rand, case, dtype, device)
    assert_close(ops.conv2d(x, w, b, **kw), F.conv2d(x, w, b, **kw), what=f"conv2d {dtype}")
    assert_close(ops.conv2d(x, w, None, **kw), F.conv2d(x, w, None, **kw), what=f"conv2d without bias {dtype}")


@pytest.mark.parametrize("case", CASES[:5] + CASES[8:], ids=str)
def test_backward_matches_torch(ops, device, rand, assert_close, case):
    x, w, b, kw = _inputs(rand, case, torch.float64, device)
    grads = []
    for conv in (ops.conv2d, F.conv2d):
        leaves = [t.clone().requires_grad_() for t in (x, w, b)]
        out = conv(*leaves, **kw)
        out.backward(torch.ones_like(out) + out.detach())  # a non-uniform upstream gradient
        grads.append([t.grad for t in leaves])
    for name, mine, ref in zip(("x", "w", "b"), *grads):
        assert_close(mine, ref, what=f"grad of {name}")


def test_gradcheck(ops, device, rand):
    for stride, padding, dilation, groups in [(1, 1, 1, 1), ((2, 1), "same", (1, 2), 2), (2, (0, 1), 1, 1)]:
        x = rand(2, 4, 5, 6, device=device).requires_grad_()
        w = rand(4, 4 // groups, 3, 2, device=device).requires_grad_()
        b = rand(4, device=device).requires_grad_()
        assert torch.autograd.gradcheck(
            lambda *t: ops.conv2d(*t, stride=stride, padding=padding, dilation=dilation, groups=groups),  # noqa: B023
            (x, w, b),
        )  # gradcheck calls the lambda within this iteration


def test_noncontiguous_inputs(ops, device, rand, assert_close):
    x = rand(2, 9, 11, 5, device=device).transpose(2, 3)  # (2, 9, 5, 11), strided
    w = rand(4, 3, 3, 9, device=device).permute(0, 3, 2, 1)  # (4, 9, 3, 3), strided
    b = rand(8, device=device)[::2]
    assert not x.is_contiguous() and not w.is_contiguous() and not b.is_contiguous()
    assert_close(ops.conv2d(x, w, b, padding=1), F.conv2d(x, w, b, padding=1), what="strided x, w, b")
    xc = x.contiguous(memory_format=torch.channels_last)
    assert_close(ops.conv2d(xc, w, b), F.conv2d(x, w, b), what="channels_last x")


def _tf_same_reference(x, w, stride):
    """TensorFlow's SAME, written out per TF's docs: pad, then a padding-free torch conv."""
    pads = []
    for size, k, s in zip(x.shape[2:], w.shape[2:], (stride, stride)):
        out = (size + s - 1) // s
        total = max((out - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    (top, bottom), (left, right) = pads
    return F.conv2d(F.pad(x, (left, right, top, bottom)), w, stride=stride)


# The classic example: a 5x5 input and a 3x3 kernel.
@pytest.mark.parametrize(
    "stride, padding, out_size", [(1, "valid", 3), (1, "same", 5), (2, "valid", 2), (2, "same", 3)]
)
def test_same_and_valid_classic(ops, device, rand, assert_close, stride, padding, out_size):
    x, w = rand(1, 1, 5, 5, device=device), rand(1, 1, 3, 3, device=device)
    out = ops.conv2d(x, w, stride=stride, padding=padding)
    assert out.shape == (1, 1, out_size, out_size), f"{padding} stride {stride}: shape {tuple(out.shape)}"
    expected = _tf_same_reference(x, w, stride) if padding == "same" else F.conv2d(x, w, stride=stride)
    assert_close(out, expected, what=f"{padding} stride {stride}")


# Inputs where SAME needs an odd total padding, which TensorFlow puts at the bottom/right.
@pytest.mark.parametrize("size, kernel, stride", [(6, 3, 2), (5, 4, 1), (7, 2, 3), (8, 5, 3), (4, 1, 3)])
def test_same_asymmetric_padding(ops, device, rand, assert_close, size, kernel, stride):
    x, w = rand(1, 2, size, size, device=device), rand(2, 2, kernel, kernel, device=device)
    out = ops.conv2d(x, w, stride=stride, padding="same")
    assert out.shape[2:] == ((size + stride - 1) // stride,) * 2, (
        f"SAME output must be ceil(size/stride), got {tuple(out.shape)}"
    )
    assert_close(out, _tf_same_reference(x, w, stride), what=f"SAME size={size} kernel={kernel} stride={stride}")
    x.requires_grad_()
    assert torch.autograd.gradcheck(lambda t: ops.conv2d(t, w, stride=stride, padding="same"), (x,))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(1, 3),
    cg=st.integers(1, 4),
    groups=st.integers(1, 3),
    og=st.integers(1, 4),
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
    dh=st.integers(1, 2),
    dw=st.integers(1, 2),
)
def test_random_configurations(ops, rand, assert_close, n, cg, groups, og, h, w, kh, kw, sh, sw, ph, pw, dh, dw):
    # A kernel that does not fit the padded input is an error (test_errors covers it).
    assume((kh - 1) * dh + 1 <= h + 2 * ph and (kw - 1) * dw + 1 <= w + 2 * pw)
    x = rand(n, cg * groups, h, w)
    wt, b = rand(og * groups, cg, kh, kw), rand(og * groups)
    kw_ = dict(stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), groups=groups)
    assert_close(ops.conv2d(x, wt, b, **kw_), F.conv2d(x, wt, b, **kw_), what=str(kw_))


def test_opcheck(ops, device, rand):
    x, w, b = rand(2, 4, 7, 6, device=device), rand(6, 2, 3, 3, device=device), rand(6, device=device)
    hyper = ([2, 1], [1, 0, 1, 2], [1, 2], 2)
    torch.library.opcheck(torch.ops.gradekit.conv2d, (x.requires_grad_(), w, b, *hyper))
    g = torch.ops.gradekit.conv2d(x.detach(), w, b, *hyper)
    torch.library.opcheck(torch.ops.gradekit.conv2d_backward_input, (g, w, 7, 6, *hyper))
    torch.library.opcheck(torch.ops.gradekit.conv2d_backward_weight, (g, x.detach(), 3, 3, *hyper))
