"""q1's trusted convolution reference and the outputs of its classic mistakes (see gradekit.checks)."""

from __future__ import annotations

import numpy as np
import torch

from gradekit import ops
from gradekit.checks import mistakes


def conv2d(x, w, b, stride, padding) -> np.ndarray:
    """gradekit.ops.conv2d on numpy arrays (b may be None): the reference every result is compared with."""

    def as_tensor(a):
        return None if a is None else torch.from_numpy(np.ascontiguousarray(a))

    return ops.conv2d(as_tensor(x), as_tensor(w), as_tensor(b), stride=stride, padding=padding).numpy()


def _same_split(n: int, k: int, stride: int) -> tuple[int, int]:
    """SAME's zeros before and after one axis, as gradekit.ops documents them (the odd one after)."""
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def _pads(x, w, stride, padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) zeros the convolution adds."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        return _same_split(x.shape[2], w.shape[2], stride), _same_split(x.shape[3], w.shape[3], stride)
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    return (int(ph), int(ph)), (int(pw), int(pw))


def conv2d_mistakes(x, w, b, stride, padding) -> dict[str, np.ndarray]:
    """What conv2d(x, w, b, stride, padding) outputs under each classic mistake, for ``mistakes=``.

    A mistake that changes nothing on these arguments (SAME with an even total, no padding at all)
    is left out; assert_close would ignore it anyway.
    """
    pads = _pads(x, w, stride, padding)
    out = {mistakes.FLIPPED_KERNEL: conv2d(x, np.ascontiguousarray(w[:, :, ::-1, ::-1]), b, stride, padding)}
    if any(pads[0] + pads[1]):
        padded = np.pad(x, ((0, 0), (0, 0), *pads))
        out[mistakes.PADDING_TWICE] = conv2d(padded, w, b, stride, padding)
    if padding == "same" and pads != tuple(p[::-1] for p in pads):
        swapped = np.pad(x, ((0, 0), (0, 0), *(p[::-1] for p in pads)))
        out[mistakes.SAME_ODD_ZERO_BEFORE] = conv2d(swapped, w, b, stride, 0)
    return out


def same_padding_mistakes(n: int, k: int, stride: int) -> dict[str, tuple[int, int]]:
    """same_padding(n, k, stride) with the odd zero before the input, for ``mistakes=`` of assert_equal."""
    return {mistakes.SAME_ODD_ZERO_BEFORE: _same_split(n, k, stride)[::-1]}
