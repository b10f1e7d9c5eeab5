"""gradekit's kernels: convolution, pooling and local response normalization in C++/CUDA.

This module is the only Python surface of the compiled extension ``gradekit._C``. Every
function takes and returns NCHW tensors of float32 or float64 (any batch, contiguous or not),
supports autograd (the backward passes are C++ kernels too) and works under torch.compile
(fake kernels are registered here). Bad arguments raise an exception whose message names the
argument and the value it got.

Course tests compare students' code against these functions and time them as speed references.
"""

from __future__ import annotations

import operator

import torch
from torch import nn

__all__ = [
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "min_pool2d",
    "lrn",
    "LocalResponseNorm",
    "build_info",
]

BUILD_COMMAND = "pip install --no-build-isolation -e ."


def _load_extension() -> tuple[list[str], str | None]:
    """Import gradekit._C (which registers torch.ops.gradekit.*); return its backends or the error."""
    try:
        from gradekit import _C  # noqa: F401
    except (ImportError, OSError) as exc:
        return [], f"{type(exc).__name__}: {exc}"
    return torch.ops.gradekit._build_info().split(","), None


_BACKENDS, _LOAD_ERROR = _load_extension()


def _load_calls():
    """gradekit._calls (direct entry points to the same ops, csrc/calls/calls.cpp), or None: without
    it every call goes through torch.ops, which is slower on small inputs but otherwise the same."""
    if _LOAD_ERROR is not None:
        return None
    try:
        from gradekit import _calls
    except (ImportError, OSError):
        return None
    return _calls


_CALLS = _load_calls()
# What the direct path accepts: tensors without a __torch_function__ of their own (a Parameter's
# is disabled), so that going straight to the dispatcher skips nothing torch.ops would have done.
_PLAIN = (torch.Tensor, nn.Parameter)
_function_mode_on = torch._C._is_torch_function_mode_enabled
_compiling = torch.compiler.is_compiling  # Dynamo must see torch.ops calls to put them in its graph


def _direct(x) -> bool:
    """Whether this call may go straight to gradekit._calls: the extension has it, ``x`` is a plain
    tensor, no TorchFunctionMode is active and Dynamo is not tracing. The direct functions return
    NotImplemented for a device they do not serve, and the caller then takes the checked path."""
    return _CALLS is not None and type(x) in _PLAIN and not _function_mode_on() and not _compiling()


def build_info() -> dict:
    """What the compiled extension offers, for ``gradekit doctor`` and the tests.

    Returns:
        dict with ``built`` (bool: gradekit._C imports), ``cuda`` (bool: CUDA kernels were
        compiled), ``direct_calls`` (bool: gradekit._calls imports, so a plain call skips
        torch.ops' argument parsing), ``error`` (str or None: why the import failed) and
        ``backends`` (list of str).
    """
    return {
        "built": _LOAD_ERROR is None,
        "cuda": "cuda" in _BACKENDS,
        "direct_calls": _CALLS is not None,
        "error": _LOAD_ERROR,
        "backends": list(_BACKENDS),
    }


# ---------------------------------------------------------------------------------------------
# Argument handling shared by the public functions. Hyper-parameter values are range-checked by
# the C++ ops (so direct torch.ops.gradekit calls get the same messages); here we only check what
# Python alone knows: types, devices, whether the extension is there.


def _check_tensors(op: str, **tensors: torch.Tensor | None) -> None:
    if _LOAD_ERROR is not None:
        raise RuntimeError(f"gradekit._C is not built: run `{BUILD_COMMAND}` in the repository ({_LOAD_ERROR})")
    first_name, first_device = None, None
    for name, t in tensors.items():
        if t is None:
            continue
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{op}: {name} must be a torch.Tensor, got {name} of type {type(t).__name__}")
        kind = t.device.type
        if kind == "cuda" and "cuda" not in _BACKENDS:
            raise RuntimeError(
                f"{op}: {name} is on {t.device}, but gradekit._C was built without CUDA kernels; "
                f"rebuild with a CUDA toolkit (nvcc) present: `GRADEKIT_CUDA=1 {BUILD_COMMAND}`"
            )
        if kind not in ("cpu", "cuda", "meta"):
            raise RuntimeError(f"{op}: {name} is on {t.device}; gradekit's kernels run on cpu and cuda only")
        if first_device is None:
            first_name, first_device = name, t.device
        elif t.device != first_device:
            raise RuntimeError(
                f"{op}: {name} and {first_name} must be on the same device, got "
                f"{name}.device={t.device} and {first_name}.device={first_device}"
            )


def _int(op: str, name: str, value) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{op}: {name} must be an int, got {name}={value!r}")
    return operator.index(value)


def _float(op: str, name: str, value) -> float:
    if isinstance(value, (bool, str)) or not hasattr(value, "__float__"):
        raise TypeError(f"{op}: {name} must be a number, got {name}={value!r}")
    return float(value)


def _pair(op: str, name: str, value) -> tuple[int, int]:
    """An int or a pair of ints, as torch accepts them, as a pair."""
    if type(value) is int:  # the common case first: it is on every call's fixed cost
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        try:
            return _int(op, name, value[0]), _int(op, name, value[1])
        except TypeError:
            pass
    elif not isinstance(value, (tuple, list)):
        try:
            v = _int(op, name, value)
            return v, v
        except TypeError:
            pass
    raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {name}={value!r}")


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow's SAME padding along one dimension: out = ceil(size / stride), the odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _conv_padding(x: torch.Tensor, w: torch.Tensor, padding, stride, dilation) -> list[int]:
    """(top, bottom, left, right) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return [0, 0, 0, 0]
        if padding == "same":
            if x.dim() != 4 or w.dim() != 4:
                return [0, 0, 0, 0]  # the op reports the wrong rank
            top, bottom = _same_padding(x.shape[2], w.shape[2], stride[0], dilation[0])
            left, right = _same_padding(x.shape[3], w.shape[3], stride[1], dilation[1])
            return [top, bottom, left, right]
        raise ValueError(f"conv2d: padding must be an int, a pair of ints, 'valid' or 'same', got padding={padding!r}")
    ph, pw = _pair("conv2d", "padding", padding)
    return [ph, ph, pw, pw]


def _window_args(op: str, kernel_size, stride, padding) -> tuple[list[int], list[int], list[int]]:
    kernel = _pair(op, "kernel_size", kernel_size)
    strides = kernel if stride is None else _pair(op, "stride", stride)
    return list(kernel), list(strides), list(_pair(op, "padding", padding))


def _direct_pool(kind: int, x, kernel_size, stride, padding):
    """A pooling call with int window arguments, straight to gradekit._calls; else NotImplemented."""
    if type(kernel_size) is int and (stride is None or type(stride) is int) and type(padding) is int and _direct(x):
        step = kernel_size if stride is None else stride
        return _CALLS.pool(kind, x, kernel_size, kernel_size, step, step, padding, padding)
    return NotImplemented


def _plain_floats(*values) -> bool:
    return all(type(v) is float or type(v) is int for v in values)


# ---------------------------------------------------------------------------------------------
# Public functions


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, like torch.nn.functional.conv2d.

    Inputs:
        x: (N, C_in, H, W); w: (C_out, C_in / groups, kH, kW); b: (C_out,) or None.
        stride, dilation: int or (h, w) pair, >= 1.
        padding: int or (h, w) pair of zeros on both sides; 'valid' (none); or 'same':
            TensorFlow's SAME for any stride, out = ceil(H / stride), total padding
            max((out - 1) * stride + (kH - 1) * dilation + 1 - H, 0), the odd pixel at the bottom/right.
        groups: int >= 1 dividing C_in and C_out.
    Returns:
        (N, C_out, H_out, W_out), H_out = (H + pad_top + pad_bottom - dilation * (kH - 1) - 1) // stride + 1.
    """
    if (
        _direct(x)
        and type(w) in _PLAIN
        and (b is None or type(b) in _PLAIN)
        and type(stride) is int
        and type(padding) is int
        and type(dilation) is int
        and type(groups) is int
    ):
        s, p, d = stride, padding, dilation
        out = _CALLS.conv2d(x, w, b, s, s, p, p, p, p, d, d, groups)
        if out is not NotImplemented:
            return out
    _check_tensors("conv2d", x=x, w=w, b=b)
    stride = list(_pair("conv2d", "stride", stride))
    dilation = list(_pair("conv2d", "dilation", dilation))
    pads = _conv_padding(x, w, padding, stride, dilation)
    return torch.ops.gradekit.conv2d(x, w, b, stride, pads, dilation, _int("conv2d", "groups", groups))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Max over each window, like torch.nn.functional.max_pool2d (ceil_mode=False).

    Inputs: x (N, C, H, W); kernel_size, stride (default: kernel_size), padding: int or pair;
    padding at most half the kernel, and it never wins (it acts as -inf).
    Returns: (N, C, (H + 2 * pad - k) // stride + 1, ...), channels_last if x is.
    The gradient goes to the first maximum of each window.
    """
    out = _direct_pool(0, x, kernel_size, stride, padding)
    if out is not NotImplemented:
        return out
    _check_tensors("max_pool2d", x=x)
    return torch.ops.gradekit.max_pool2d(x, *_window_args("max_pool2d", kernel_size, stride, padding))


def min_pool2d(x, kernel_size, stride=None, padding=0):
    """Min over each window: max_pool2d with the comparison reversed (padding acts as +inf).

    Same arguments and output shape as max_pool2d; equals -max_pool2d(-x), and so does its
    gradient, which goes to the first minimum of each window.
    """
    out = _direct_pool(1, x, kernel_size, stride, padding)
    if out is not NotImplemented:
        return out
    _check_tensors("min_pool2d", x=x)
    return torch.ops.gradekit.min_pool2d(x, *_window_args("min_pool2d", kernel_size, stride, padding))


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Mean over each window, like torch.nn.functional.avg_pool2d with its defaults.

    Padding counts as zeros in the mean (count_include_pad=True), ceil_mode=False.
    Same arguments and output shape as max_pool2d.
    """
    out = _direct_pool(2, x, kernel_size, stride, padding)
    if out is not NotImplemented:
        return out
    _check_tensors("avg_pool2d", x=x)
    return torch.ops.gradekit.avg_pool2d(x, *_window_args("avg_pool2d", kernel_size, stride, padding))


def lrn(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    """Local response normalization across channels.

    convention='alexnet' (Krizhevsky et al. 2012, section 3.3; size must be odd):
        y[c] = x[c] / (k + alpha * sum_{j=max(0, c-size//2)}^{min(C-1, c+size//2)} x[j]^2) ** beta
    convention='torch' (Caffe, torch.nn.functional.local_response_norm): alpha is divided by
        size and the window is [c - size//2, c + (size-1)//2], so even sizes work exactly as in
        torch; lrn(x, size, alpha, beta, k, 'torch') == F.local_response_norm(x, size, alpha, beta, k).

    Inputs: x (N, C, H, W). Returns: (N, C, H, W).
    """
    if _direct(x) and type(size) is int and type(convention) is str and _plain_floats(alpha, beta, k):
        out = _CALLS.lrn(x, size, alpha, beta, k, convention)
        if out is not NotImplemented:
            return out
    _check_tensors("lrn", x=x)
    if not isinstance(convention, str):
        raise TypeError(f"lrn: convention must be 'alexnet' or 'torch', got convention={convention!r}")
    return torch.ops.gradekit.lrn(
        x,
        _int("lrn", "size", size),
        _float("lrn", "alpha", alpha),
        _float("lrn", "beta", beta),
        _float("lrn", "k", k),
        convention,
    )


class LocalResponseNorm(nn.Module):
    """nn.Module form of :func:`lrn` (the course's AlexNet uses it after conv1 and conv2)."""

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
        super().__init__()
        self.size, self.alpha, self.beta, self.k, self.convention = size, alpha, beta, k, convention

    def forward(self, x):
        return lrn(x, self.size, self.alpha, self.beta, self.k, self.convention)

    def extra_repr(self) -> str:
        return f"size={self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}, convention={self.convention!r}"


# ---------------------------------------------------------------------------------------------
# Fake (meta) kernels for the C++ ops: the shapes and memory formats the C++ kernels produce,
# without checking arguments again. Autograd is registered in C++ (csrc/ops/autograd.cpp), so a
# call that needs no gradient runs no Python past the wrapper above.


def _pool_memory_format(x: torch.Tensor) -> torch.memory_format:
    """The C++ kernels' layout rule (csrc/ops/checks.cpp, working_memory_format)."""
    if not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last):
        return torch.channels_last
    return torch.contiguous_format


def _empty(like: torch.Tensor, shape, memory_format=torch.contiguous_format) -> torch.Tensor:
    return torch.empty(shape, dtype=like.dtype, device=like.device, memory_format=memory_format)


def _conv2d_fake(x, w, b, stride, padding, dilation, groups):
    h = (x.shape[2] + padding[0] + padding[1] - dilation[0] * (w.shape[2] - 1) - 1) // stride[0] + 1
    wd = (x.shape[3] + padding[2] + padding[3] - dilation[1] * (w.shape[3] - 1) - 1) // stride[1] + 1
    return _empty(x, (x.shape[0], w.shape[0], h, wd))


def _conv2d_backward_input_fake(grad_out, w, height, width, stride, padding, dilation, groups):
    return _empty(grad_out, (grad_out.shape[0], w.shape[1] * groups, height, width))


def _conv2d_backward_weight_fake(grad_out, x, kernel_h, kernel_w, stride, padding, dilation, groups):
    c_out = grad_out.shape[1]
    return _empty(x, (c_out, x.shape[1] // groups, kernel_h, kernel_w)), _empty(x, (c_out,))


def _pool_fake(x, kernel_size, stride, padding):
    h = (x.shape[2] + 2 * padding[0] - kernel_size[0]) // stride[0] + 1
    w = (x.shape[3] + 2 * padding[1] - kernel_size[1]) // stride[1] + 1
    return _empty(x, (x.shape[0], x.shape[1], h, w), _pool_memory_format(x))


def _extreme_pool_backward_fake(grad_out, x, kernel_size, stride, padding):
    return _empty(x, x.shape, _pool_memory_format(x))


def _avg_pool_backward_fake(grad_out, height, width, kernel_size, stride, padding):
    shape = (grad_out.shape[0], grad_out.shape[1], height, width)
    return _empty(grad_out, shape, _pool_memory_format(grad_out))


def _lrn_fake(x, size, alpha, beta, k, convention):
    return _empty(x, x.shape)


def _lrn_backward_fake(grad_out, x, size, alpha, beta, k, convention):
    return _empty(x, x.shape)


def _register() -> None:
    fakes = {
        "conv2d": _conv2d_fake,
        "conv2d_backward_input": _conv2d_backward_input_fake,
        "conv2d_backward_weight": _conv2d_backward_weight_fake,
        "max_pool2d": _pool_fake,
        "min_pool2d": _pool_fake,
        "avg_pool2d": _pool_fake,
        "max_pool2d_backward": _extreme_pool_backward_fake,
        "min_pool2d_backward": _extreme_pool_backward_fake,
        "avg_pool2d_backward": _avg_pool_backward_fake,
        "lrn": _lrn_fake,
        "lrn_backward": _lrn_backward_fake,
    }
    for name, fake in fakes.items():
        torch.library.register_fake(f"gradekit::{name}")(fake)


if _LOAD_ERROR is None:
    _register()
