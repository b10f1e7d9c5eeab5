"""Fixtures for the kernel tests (gradekit.ops against torch).

Every test that needs the kernels takes the `ops` fixture, which FAILS (never skips) with the
build command when gradekit._C is not built. Tests that take `device` run on "cpu" and on
"cuda"; the CUDA ones skip only where no GPU is visible.
"""

from __future__ import annotations

import pytest
import torch

BUILD_COMMAND = "pip install --no-build-isolation -e ."


@pytest.fixture(scope="session")
def ops():
    from gradekit import ops as gradekit_ops

    info = gradekit_ops.build_info()
    if not info["built"]:
        pytest.fail(
            f"gradekit._C is not built ({info['error']}): run `{BUILD_COMMAND}` in the repository", pytrace=False
        )
    return gradekit_ops


@pytest.fixture(
    params=[
        "cpu",
        pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device visible")),
    ]
)
def device(request, ops) -> str:
    if request.param == "cuda" and not ops.build_info()["cuda"]:
        pytest.fail(
            "a CUDA device is visible but gradekit._C was built without CUDA kernels: "
            f"rebuild with `GRADEKIT_CUDA=1 {BUILD_COMMAND}`",
            pytrace=False,
        )
    return request.param


# Tolerances by dtype: float64 results differ from torch's only by summation order; float32
# ones by float32 rounding of sums of up to a few thousand products.
TOLERANCES = {torch.float64: dict(rtol=1e-9, atol=1e-10), torch.float32: dict(rtol=2e-4, atol=2e-4)}


def _assert_close(actual: torch.Tensor, expected: torch.Tensor, *, what: str = "", rtol=None, atol=None) -> None:
    """torch.testing-like check whose message states the tolerance and the worst element."""
    tol = TOLERANCES[expected.dtype] if expected.dtype in TOLERANCES else TOLERANCES[torch.float64]
    rtol = tol["rtol"] if rtol is None else rtol
    atol = tol["atol"] if atol is None else atol
    assert tuple(actual.shape) == tuple(expected.shape), (
        f"{what}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}"
    )
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype}, expected {expected.dtype}"
    a, e = actual.detach().double().cpu(), expected.detach().double().cpu()
    both_nan = a.isnan() & e.isnan()
    excess = torch.where(both_nan, torch.zeros_like(a), (a - e).abs() - (atol + rtol * e.abs()))
    excess = torch.nan_to_num(excess, nan=float("inf"))
    if excess.numel() and excess.max() > 0:
        i = int(excess.flatten().argmax())
        index = tuple(int(v) for v in torch.unravel_index(torch.tensor(i), a.shape))
        raise AssertionError(
            f"{what}: worst element at {index}: got {a.flatten()[i].item()!r}, expected {e.flatten()[i].item()!r} "
            f"(|diff| {abs(a.flatten()[i] - e.flatten()[i]).item():.3g} exceeds atol={atol:g} + rtol={rtol:g} * |expected|)"
        )


@pytest.fixture(scope="session")
def assert_close():
    return _assert_close


@pytest.fixture
def rand():
    """rand(*shape, dtype=, device=): a seeded standard-normal tensor."""
    g = torch.Generator().manual_seed(1234)

    def make(*shape, dtype=torch.float64, device="cpu"):
        return torch.randn(shape, generator=g, dtype=dtype).to(device)

    return make
