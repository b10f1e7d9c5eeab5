"""What the build compiled, and that every op has the kernels and registrations the build claims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

CSRC = Path(__file__).resolve().parents[2] / "csrc" / "ops"
OPS = [
    "conv2d",
    "conv2d_backward_input",
    "conv2d_backward_weight",
    "max_pool2d",
    "max_pool2d_backward",
    "min_pool2d",
    "min_pool2d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "lrn",
    "lrn_backward",
]


@pytest.mark.parametrize("op", ["conv2d", "pool2d", "lrn"])
def test_each_op_has_schema_cpu_and_cuda_sources(op):
    for path in (CSRC / f"{op}.cpp", CSRC / "cpu" / f"{op}_kernel.cpp", CSRC / "cuda" / f"{op}_kernel.cu"):
        assert path.is_file(), f"missing {path.relative_to(CSRC.parents[1])}"
    assert "TORCH_LIBRARY_IMPL(gradekit, CUDA" in (CSRC / "cuda" / f"{op}_kernel.cu").read_text()


def test_build_info_reports_the_backends(ops):
    info = ops.build_info()
    assert info["built"] and info["error"] is None, info
    assert info["backends"] == torch.ops.gradekit._build_info().split(","), info
    assert info["cuda"] == ("cuda" in info["backends"]), info
    if os.environ.get("GRADEKIT_CUDA") == "1":
        assert info["cuda"], f"GRADEKIT_CUDA=1 but the build reports no CUDA kernels: {info}"


@pytest.mark.parametrize("op", OPS)
def test_kernels_registered_as_the_build_says(ops, op):
    has = torch._C._dispatch_has_kernel_for_dispatch_key
    assert has(f"gradekit::{op}", "CPU"), f"gradekit::{op} has no CPU kernel"
    cuda = ops.build_info()["cuda"]
    assert has(f"gradekit::{op}", "CUDA") == cuda, (
        f"gradekit::{op} CUDA kernel registered: {has(f'gradekit::{op}', 'CUDA')}, build_info cuda: {cuda}"
    )


def test_fake_kernels_give_shapes_without_computing(ops):
    x = torch.empty(2, 3, 9, 9, device="meta")
    w = torch.empty(4, 3, 3, 3, device="meta")
    assert ops.conv2d(x, w, stride=2, padding="same").shape == (2, 4, 5, 5)
    assert ops.max_pool2d(x, 3, 2).shape == (2, 3, 4, 4)
    assert ops.lrn(x).shape == x.shape
