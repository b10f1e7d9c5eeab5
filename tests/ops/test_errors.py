"""Bad arguments raise an exception whose message names the argument and the value it got."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

ERRORS = (ValueError, TypeError, RuntimeError)


def _x(*shape, dtype=torch.float32, device="cpu"):
    return torch.ones(shape, dtype=dtype, device=device)


def _w(*shape, dtype=torch.float32, device="cpu"):
    return torch.ones(shape, dtype=dtype, device=device)


# (description, call(ops), substrings the message must contain)
CONV2D = [
    ("x of rank 3", lambda o: o.conv2d(_x(3, 5, 5), _w(2, 3, 3, 3)), ["x must be a 4-D NCHW tensor", "(3, 5, 5)"]),
    ("w of rank 2", lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3)), ["w must be a 4-D NCHW tensor", "(2, 3)"]),
    (
        "dtypes differ",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3, dtype=torch.float64)),
        ["same dtype", "w.dtype=torch.float64", "x.dtype=torch.float32"],
    ),
    (
        "devices differ",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3, device="meta")),
        ["same device", "w.device=meta", "x.device=cpu"],
    ),
    (
        "channels differ",
        lambda o: o.conv2d(_x(1, 5, 5, 5), _w(2, 3, 3, 3)),
        ["x has 5 channels", "w.shape[1] * groups = 3 * 1 = 3"],
    ),
    (
        "groups do not divide C_in",
        lambda o: o.conv2d(_x(1, 5, 5, 5), _w(2, 2, 3, 3), groups=2),
        ["groups=2", "x.shape[1]=5"],
    ),
    (
        "groups do not divide C_out",
        lambda o: o.conv2d(_x(1, 4, 5, 5), _w(3, 2, 3, 3), groups=2),
        ["groups=2", "w.shape[0]=3"],
    ),
    ("groups = 0", lambda o: o.conv2d(_x(1, 4, 5, 5), _w(3, 2, 3, 3), groups=0), ["groups must be >= 1", "groups=0"]),
    (
        "kernel larger than the padded input",
        lambda o: o.conv2d(_x(1, 3, 2, 9), _w(2, 3, 3, 3)),
        ["kernel height 3", "padded input height 2"],
    ),
    (
        "dilated kernel larger than the padded input",
        lambda o: o.conv2d(_x(1, 3, 9, 4), _w(2, 3, 3, 3), padding=1, dilation=3),
        ["kernel width 3", "7 with dilation=3", "padded input width 6"],
    ),
    (
        "stride 0",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), stride=(0, 1)),
        ["stride must be >= 1", "stride=(0, 1)"],
    ),
    (
        "dilation 0",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), dilation=0),
        ["dilation must be >= 1", "dilation=(0, 0)"],
    ),
    (
        "negative padding",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), padding=(-1, 0)),
        ["padding must be >= 0", "-1"],
    ),
    ("unknown padding string", lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), padding="full"), ["padding='full'"]),
    ("float stride", lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), stride=1.5), ["stride", "stride=1.5"]),
    (
        "bias of the wrong length",
        lambda o: o.conv2d(_x(1, 3, 5, 5), _w(2, 3, 3, 3), _x(3)),
        ["b must be", "b.shape=(3)"],
    ),
    (
        "integer tensors",
        lambda o: o.conv2d(_x(1, 3, 5, 5, dtype=torch.int64), _w(2, 3, 3, 3, dtype=torch.int64)),
        ["x must be float32 or float64", "x.dtype=torch.int64"],
    ),
    (
        "half tensors",
        lambda o: o.conv2d(_x(1, 3, 5, 5, dtype=torch.float16), _w(2, 3, 3, 3, dtype=torch.float16)),
        ["x must be float32 or float64", "x.dtype=torch.float16", "half"],
    ),
    ("x not a tensor", lambda o: o.conv2d([[1.0]], _w(2, 3, 3, 3)), ["x must be a torch.Tensor", "list"]),
]

POOL = [
    ("x of rank 3", lambda o, op: op(_x(3, 5, 5), 2), ["x must be a 4-D NCHW tensor", "(3, 5, 5)"]),
    ("kernel_size 0", lambda o, op: op(_x(1, 3, 5, 5), 0, 1), ["kernel_size must be >= 1", "kernel_size=(0, 0)"]),
    ("stride 0", lambda o, op: op(_x(1, 3, 5, 5), 2, (1, 0)), ["stride must be >= 1", "stride=(1, 0)"]),
    ("negative padding", lambda o, op: op(_x(1, 3, 5, 5), 3, 1, -1), ["padding must be >= 0", "padding=(-1, -1)"]),
    (
        "padding over half the kernel",
        lambda o, op: op(_x(1, 3, 5, 5), 3, 1, 2),
        ["padding must be at most half of kernel_size", "padding=(2, 2)", "kernel_size=(3, 3)"],
    ),
    (
        "kernel larger than the padded input",
        lambda o, op: op(_x(1, 3, 3, 3), 5),
        ["kernel_size=(5, 5)", "larger than the padded input", "3x3"],
    ),
    ("integer tensor", lambda o, op: op(_x(1, 3, 5, 5, dtype=torch.int32), 2), ["x.dtype=torch.int32"]),
    ("half tensor", lambda o, op: op(_x(1, 3, 5, 5, dtype=torch.float16), 2), ["x.dtype=torch.float16", "half"]),
    ("kernel_size not an int", lambda o, op: op(_x(1, 3, 5, 5), "3"), ["kernel_size", "kernel_size='3'"]),
]

LRN = [
    ("x of rank 2", lambda o: o.lrn(_x(3, 5)), ["x must be a 4-D NCHW tensor", "(3, 5)"]),
    ("size 0", lambda o: o.lrn(_x(1, 3, 2, 2), size=0, convention="torch"), ["size must be >= 1", "size=0"]),
    (
        "even size, alexnet",
        lambda o: o.lrn(_x(1, 3, 2, 2), size=4),
        ["size must be odd", "convention='alexnet'", "size=4"],
    ),
    (
        "unknown convention",
        lambda o: o.lrn(_x(1, 3, 2, 2), convention="caffe"),
        ["convention='caffe'", "'alexnet' or 'torch'"],
    ),
    ("half tensor", lambda o: o.lrn(_x(1, 3, 2, 2, dtype=torch.float16)), ["x.dtype=torch.float16", "half"]),
    ("size not an int", lambda o: o.lrn(_x(1, 3, 2, 2), size=2.5), ["size", "size=2.5"]),
    ("alpha not a number", lambda o: o.lrn(_x(1, 3, 2, 2), alpha="0.1"), ["alpha", "alpha='0.1'"]),
    ("convention not a string", lambda o: o.lrn(_x(1, 3, 2, 2), convention=None), ["convention=None"]),
]


def _assert_message(call, expected):
    with pytest.raises(ERRORS) as info:
        call()
    message = str(info.value)
    for part in expected:
        assert part in message, f"the message should contain {part!r}, got: {message}"


@pytest.mark.parametrize("what, call, expected", CONV2D, ids=[c[0] for c in CONV2D])
def test_conv2d_bad_arguments(ops, what, call, expected):
    _assert_message(lambda: call(ops), ["conv2d", *expected])


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d", "min_pool2d"])
@pytest.mark.parametrize("what, call, expected", POOL, ids=[c[0] for c in POOL])
def test_pool_bad_arguments(ops, op, what, call, expected):
    _assert_message(lambda: call(ops, getattr(ops, op)), [op, *expected])


@pytest.mark.parametrize("what, call, expected", LRN, ids=[c[0] for c in LRN])
def test_lrn_bad_arguments(ops, what, call, expected):
    _assert_message(lambda: call(ops), ["lrn", *expected])


def test_backward_ops_check_the_gradient_shape(ops):
    lib = torch.ops.gradekit
    _assert_message(
        lambda: lib.conv2d_backward_input(_x(1, 2, 4, 4), _w(2, 3, 3, 3), 5, 5, [1, 1], [0] * 4, [1, 1], 1),
        ["conv2d_backward_input", "grad_out must have shape (1, 2, 3, 3)", "(1, 2, 4, 4)"],
    )
    _assert_message(
        lambda: lib.max_pool2d_backward(_x(1, 3, 3, 3), _x(1, 3, 5, 5), [3, 3], [2, 2], [0, 0]),
        ["max_pool2d_backward", "grad_out must have shape (1, 3, 2, 2)"],
    )
    _assert_message(
        lambda: lib.lrn_backward(_x(1, 3, 2, 2), _x(1, 3, 2, 3), 3, 1.0, 0.75, 1.0, "torch"),
        ["lrn_backward", "grad_out must have shape (1, 3, 2, 3)"],
    )


class _LooksLikeCuda(torch.Tensor):
    """A CPU tensor that reports a CUDA device, to reach the check without a GPU."""

    @property
    def device(self):
        return torch.device("cuda", 0)


def test_cuda_tensor_without_cuda_kernels(ops, monkeypatch):
    monkeypatch.setattr(ops, "_BACKENDS", ["cpu"])
    x = torch.Tensor._make_subclass(_LooksLikeCuda, _x(1, 3, 5, 5))
    _assert_message(
        lambda: ops.max_pool2d(x, 2),
        [
            "max_pool2d",
            "x is on cuda:0",
            "built without CUDA kernels",
            "GRADEKIT_CUDA=1 pip install --no-build-isolation -e .",
        ],
    )


def test_unbuilt_extension_fails_with_the_build_command(tmp_path):
    # A fresh interpreter in which `import gradekit._C` fails, as it does before the build.
    code = (
        "import sys; sys.modules['gradekit._C'] = None\n"
        "import torch\n"
        "from gradekit import ops\n"
        "info = ops.build_info()\n"
        "assert info['built'] is False and info['cuda'] is False and 'gradekit._C' in info['error'], info\n"
        "try:\n"
        "    ops.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 3, 3))\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "gradekit._C is not built: run `pip install --no-build-isolation -e .`" in result.stdout, result.stdout
