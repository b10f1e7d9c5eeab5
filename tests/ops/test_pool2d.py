"""gradekit.ops max/avg/min_pool2d against torch (min pool against -max_pool2d(-x))."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st


def _torch_min_pool(x, kernel_size, stride=None, padding=0):
    return -F.max_pool2d(-x, kernel_size, stride, padding)


REFERENCES = {"max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d, "min_pool2d": _torch_min_pool}

# (shape, kernel_size, stride, padding): batch 1, odd sizes, channel counts like 3, 5, 17,
# stride 1, 2 (vectorized paths) and 3, rectangular windows, padding up to half the kernel.
CASES = [
    ((1, 3, 7, 7), 3, 2, 0),
    ((2, 5, 11, 13), 3, 2, 1),
    ((2, 17, 9, 8), 2, 1, 1),
    ((3, 4, 13, 11), (3, 2), (1, 2), (1, 1)),
    ((2, 3, 10, 10), 3, None, 0),
    ((1, 6, 16, 15), 4, 3, 2),
    ((2, 96, 27, 27), 3, 2, 0),
    ((1, 2, 5, 5), 5, 1, 2),
]


@pytest.mark.parametrize("op", list(REFERENCES))
@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_forward_matches_torch(ops, device, rand, assert_close, op, case, dtype):
    shape, k, s, p = case
    x = rand(*shape, dtype=dtype, device=device)
    expected = REFERENCES[op](x, k, s, p)
    assert_close(getattr(ops, op)(x, k, s, p), expected, what=f"{op} NCHW")
    xl = x.contiguous(memory_format=torch.channels_last)
    out = getattr(ops, op)(xl, k, s, p)
    assert_close(out, expected, what=f"{op} channels_last")
    if shape[1] > 1 and out.shape[2] * out.shape[3] > 1:  # otherwise both layouts are the same
        assert out.is_contiguous(memory_format=torch.channels_last), (
            f"{op}: a channels_last input gives a channels_last output"
        )


@pytest.mark.parametrize("op", list(REFERENCES))
@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])  # float32 has vectorized paths of its own
def test_backward_matches_torch(ops, device, rand, assert_close, op, case, channels_last, dtype):
    shape, k, s, p = case
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    x = rand(*shape, dtype=dtype, device=device).contiguous(memory_format=fmt)
    grads = []
    for fn in (getattr(ops, op), REFERENCES[op]):
        leaf = x.clone().requires_grad_()
        out = fn(leaf, k, s, p)
        out.backward(torch.arange(out.numel(), dtype=out.dtype, device=device).view_as(out))
        grads.append(leaf.grad)
    assert_close(grads[0], grads[1], what=f"{op} gradient")


@pytest.mark.parametrize("op", list(REFERENCES))
def test_gradcheck(ops, device, rand, op):
    # Distinct values keep max/min picks away from ties, where the gradient is not defined.
    x = torch.randperm(2 * 3 * 7 * 6, generator=torch.Generator().manual_seed(0)).double() / 10
    x = x.view(2, 3, 7, 6).to(device).requires_grad_()
    for k, s, p in [(3, 2, 1), ((2, 3), 1, (1, 0))]:
        # gradcheck calls the lambda within this iteration, with this iteration's k, s, p
        assert torch.autograd.gradcheck(lambda t: getattr(ops, op)(t, k, s, p), (x,))  # noqa: B023


@pytest.mark.parametrize("op", ["max_pool2d", "min_pool2d"])
def test_ties_send_the_gradient_to_the_first_pick(ops, device, op):
    # Every window is constant: torch's max pool gives each window's gradient to its first
    # element in window order, and min pool must match -max_pool2d(-x) there too.
    x = torch.ones(1, 2, 5, 6, dtype=torch.float64, device=device)
    grads = []
    for fn in (getattr(ops, op), REFERENCES[op]):
        leaf = x.clone().requires_grad_()
        fn(leaf, 3, 2, 1).sum().backward()
        grads.append(leaf.grad)
    assert torch.equal(grads[0], grads[1]), f"{op} tie gradient:\n{grads[0][0, 0]}\nexpected\n{grads[1][0, 0]}"


def test_min_pool_is_negated_max_pool_of_negation(ops, device, rand, assert_close):
    x = rand(2, 5, 9, 9, device=device).requires_grad_()
    out = ops.min_pool2d(x, 3, 2, 1)
    assert_close(out, -F.max_pool2d(-x, 3, 2, 1), what="min pool")
    (grad_min,) = torch.autograd.grad(out.sum(), x)
    (grad_ref,) = torch.autograd.grad((-F.max_pool2d(-x, 3, 2, 1)).sum(), x)
    assert_close(grad_min, grad_ref, what="min pool gradient")


@pytest.mark.parametrize("op", ["max_pool2d", "min_pool2d"])
def test_nan_propagates_like_torch(ops, device, rand, op):
    x = rand(1, 1, 6, 6, device=device)
    x[0, 0, 1, 1] = float("nan")
    out, expected = getattr(ops, op)(x, 3, 2, 0), REFERENCES[op](x, 3, 2, 0)
    assert torch.equal(out.isnan(), expected.isnan()), f"{op}: NaN windows {out.isnan()} expected {expected.isnan()}"


def test_noncontiguous_input(ops, device, rand, assert_close):
    x = rand(2, 6, 12, 9, device=device)[:, ::2, 1:, :].transpose(2, 3)
    assert not x.is_contiguous()
    for op, ref in REFERENCES.items():
        assert_close(getattr(ops, op)(x, 3, 2, 1), ref(x, 3, 2, 1), what=f"{op} strided input")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    op=st.sampled_from(list(REFERENCES)),
    n=st.integers(1, 3),
    c=st.integers(1, 6),
    h=st.integers(1, 14),
    w=st.integers(1, 14),
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
    channels_last=st.booleans(),
)
def test_random_configurations(ops, rand, assert_close, op, n, c, h, w, kh, kw, sh, sw, ph, pw, channels_last):
    # torch's limits: padding at most half the window, the window inside the padded input.
    assume(2 * ph <= kh and 2 * pw <= kw and kh <= h + 2 * ph and kw <= w + 2 * pw)
    x = rand(n, c, h, w)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    args = ((kh, kw), (sh, sw), (ph, pw))
    assert_close(getattr(ops, op)(x, *args), REFERENCES[op](x, *args), what=f"{op}{args}")


@pytest.mark.parametrize("channels_last", [False, True])
def test_opcheck(ops, device, rand, channels_last):
    x = rand(2, 3, 7, 8, device=device)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    window = ([3, 2], [2, 1], [1, 1])
    lib = torch.ops.gradekit
    for name in ("max_pool2d", "min_pool2d", "avg_pool2d"):
        torch.library.opcheck(getattr(lib, name), (x.clone().requires_grad_(), *window))
    g = lib.max_pool2d(x, *window)
    torch.library.opcheck(lib.max_pool2d_backward, (g, x, *window))
    torch.library.opcheck(lib.min_pool2d_backward, (g, x, *window))
    torch.library.opcheck(lib.avg_pool2d_backward, (g, 7, 8, *window))
