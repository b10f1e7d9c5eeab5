"""gradekit.ops.lrn: the AlexNet paper's formula and torch's convention."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def _alexnet_formula(x: torch.Tensor, size: int, alpha: float, beta: float, k: float) -> torch.Tensor:
    """Krizhevsky et al. (2012), section 3.3, one element at a time in Python floats:
    b[c] = a[c] / (k + alpha * sum_{j=max(0, c-n/2)}^{min(N-1, c+n/2)} a[j]^2) ** beta."""
    n_, channels, height, width = x.shape
    a = x.tolist()
    out = torch.empty(x.shape, dtype=torch.float64)
    for n in range(n_):
        for c in range(channels):
            lo, hi = max(0, c - size // 2), min(channels - 1, c + size // 2)
            for h in range(height):
                for w in range(width):
                    total = sum(a[n][j][h][w] ** 2 for j in range(lo, hi + 1))
                    out[n, c, h, w] = a[n][c][h][w] / (k + alpha * total) ** beta
    return out


@pytest.mark.parametrize(
    "size, alpha, beta, k",
    [(5, 1e-4, 0.75, 2.0), (3, 0.5, 0.75, 1.0), (1, 0.2, 0.5, 1.0), (7, 0.1, 1.0, 0.5), (5, 0.3, 0.6, 2.0)],
)
def test_alexnet_convention_matches_the_paper(ops, device, rand, assert_close, size, alpha, beta, k):
    x = rand(2, 7, 3, 5)  # 7 channels: windows clipped at both ends
    out = ops.lrn(x.to(device), size, alpha, beta, k, "alexnet")
    assert_close(out.cpu(), _alexnet_formula(x, size, alpha, beta, k), what=f"lrn alexnet size={size} beta={beta}")


def test_alexnet_defaults_are_the_paper(ops, rand, assert_close):
    x = rand(1, 6, 2, 3)
    assert_close(
        ops.lrn(x), _alexnet_formula(x, 5, 1e-4, 0.75, 2.0), what="lrn() defaults: size=5 alpha=1e-4 beta=0.75 k=2"
    )


# Even sizes included: torch pads size//2 channels before and (size-1)//2 after.
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6, 9, 40])
@pytest.mark.parametrize("beta", [0.75, 0.5, 1.0, 0.3])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_torch_convention_matches_torch(ops, device, rand, assert_close, size, beta, dtype):
    x = rand(2, 17, 5, 7, dtype=dtype, device=device) * 3
    expected = F.local_response_norm(x, size, 1e-2, beta, 1.0)
    assert_close(
        ops.lrn(x, size, 1e-2, beta, 1.0, "torch"),
        expected,
        what=f"lrn torch size={size} beta={beta}",
        **({"rtol": 1e-5, "atol": 1e-6} if dtype == torch.float32 else {}),
    )


@pytest.mark.parametrize("convention, size", [("alexnet", 5), ("alexnet", 3), ("torch", 4), ("torch", 5)])
@pytest.mark.parametrize("beta", [0.75, 0.4])
def test_gradcheck(ops, device, rand, convention, size, beta):
    x = rand(2, 6, 3, 4, device=device).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: ops.lrn(t, size, 0.3, beta, 1.5, convention), (x,))


@pytest.mark.parametrize("size", [2, 5])
def test_backward_matches_torch_on_a_large_input(ops, device, rand, assert_close, size):
    # Many channels and pixels: the sliding window runs long and blocks split the pixels.
    x = rand(2, 96, 17, 19, device=device)
    grads = []
    for fn in (
        lambda t: ops.lrn(t, size, 1e-2, 0.75, 2.0, "torch"),
        lambda t: F.local_response_norm(t, size, 1e-2, 0.75, 2.0),
    ):
        leaf = x.clone().requires_grad_()
        out = fn(leaf)
        out.backward(out.detach().cos())
        grads.append(leaf.grad)
    assert_close(grads[0], grads[1], what=f"lrn gradient size={size}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 20),
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    size=st.integers(1, 9),
    alpha=st.floats(1e-4, 2.0),
    beta=st.floats(0.1, 1.5),
    k=st.floats(0.5, 3.0),
)
def test_random_configurations(ops, rand, assert_close, n, c, h, w, size, alpha, beta, k):
    x = rand(n, c, h, w)
    assert_close(
        ops.lrn(x, size, alpha, beta, k, "torch"),
        F.local_response_norm(x, size, alpha, beta, k),
        what=f"size={size} alpha={alpha} beta={beta} k={k}",
    )


def test_noncontiguous_input(ops, device, rand, assert_close):
    x = rand(2, 10, 6, 8, device=device).permute(0, 1, 3, 2)[:, ::2]
    assert not x.is_contiguous()
    assert_close(ops.lrn(x, 3, 0.1, 0.75, 1.0, "torch"), F.local_response_norm(x, 3, 0.1, 0.75, 1.0), what="strided x")


def test_module(ops, rand, assert_close):
    m = ops.LocalResponseNorm(size=3, alpha=0.2, beta=0.5, k=1.0, convention="torch")
    assert repr(m) == "LocalResponseNorm(size=3, alpha=0.2, beta=0.5, k=1.0, convention='torch')"
    x = rand(2, 5, 3, 3)
    assert_close(m(x), F.local_response_norm(x, 3, 0.2, 0.5, 1.0), what="LocalResponseNorm module")
    assert "convention='alexnet'" in repr(ops.LocalResponseNorm())


@pytest.mark.parametrize("convention, size", [("alexnet", 5), ("torch", 4)])
def test_opcheck(ops, device, rand, convention, size):
    x = rand(2, 6, 3, 4, device=device)
    hyper = (size, 0.1, 0.75, 2.0, convention)
    torch.library.opcheck(torch.ops.gradekit.lrn, (x.clone().requires_grad_(), *hyper))
    torch.library.opcheck(torch.ops.gradekit.lrn_backward, (torch.ones_like(x), x, *hyper))
