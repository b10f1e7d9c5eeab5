"""Max, average and min pooling of NCHW batches, forward and backward, with PyTorch's semantics.

A pooling window covers kernel_size pixels and moves by stride (the kernel size when not given).
Padding adds `padding` pixels on every side that max and min pooling ignore (they pad with -inf
and +inf) and that average pooling counts as zeros (torch's default, count_include_pad=True).
The output has floor((H + 2 * padding - kernel) / stride) + 1 rows (torch's ceil_mode=False).
"""
import functools

import numpy as np

FILL = {"max": -np.inf, "min": np.inf, "avg": 0.0}


def as_pair(value):
    """An int or a pair of ints as a (rows, cols) pair."""
    return (int(value), int(value)) if np.ndim(value) == 0 else (int(value[0]), int(value[1]))


def axis_taps(x, axis, kernel, stride, out_len):
    """The views of x that one window position (tap) sees along one axis, tap by tap.

    Inputs:
    - x: an array, e.g. a padded (N, C, Hp, Wp) batch
    - axis: the axis the windows slide along (2 for rows, 3 for columns)
    - kernel, stride: the window's length and step along that axis (ints)
    - out_len: the number of window positions along that axis

    Yields:
    - for t = 0 .. kernel - 1: x[..., t : t + stride * (out_len - 1) + 1 : stride, ...] (a view, with
      out_len entries along `axis`: entry i is the t-th element of window i)
    """
    for t in range(kernel):
        index = [slice(None)] * x.ndim
        index[axis] = slice(t, t + stride * (out_len - 1) + 1, stride)
        yield x[tuple(index)]


def kernel_taps(x_padded, kernel_size, stride, out_size):
    """The same in 2-D: for each offset (ki, kj) of the window, in row-major order, the view of
    every pixel that this offset covers, one per output position.

    Inputs:
    - x_padded: shape (N, C, Hp, Wp), the padded input
    - kernel_size, stride: (rows, cols) pairs
    - out_size: (H_out, W_out)

    Yields:
    - ((ki, kj), view of shape (N, C, H_out, W_out)); writing into the view writes into x_padded
    """
    for ki, rows in enumerate(axis_taps(x_padded, 2, kernel_size[0], stride[0], out_size[0])):
        for kj, view in enumerate(axis_taps(rows, 3, kernel_size[1], stride[1], out_size[1])):
            yield (ki, kj), view


def pool2d(x, kernel_size, stride=None, padding=0, mode="max"):
    """Max, average or min pooling, vectorized (no loop over images, channels or positions).

    Inputs:
    - x: shape (N, C, H, W), float32 or float64
    - kernel_size: int or (kh, kw)
    - stride: int, (sh, sw), or None for stride = kernel_size
    - padding: int or (ph, pw), at most half the kernel size (as in torch)
    - mode: 'max', 'avg' or 'min'

    Returns:
    - out: shape (N, C, H_out, W_out), the dtype of x, with
      H_out = (H + 2 * ph - kh) // sh + 1 and W_out likewise
    """
    raise NotImplementedError("q2.4 not implemented yet: pool2d")


def pool2d_forward(x, kernel_size, stride=None, padding=0, mode="max"):
    """Forward pass of max or average pooling that keeps what the backward pass needs.

    Inputs:
    - x, kernel_size, stride, padding: as for pool2d (x float64)
    - mode: 'max' or 'avg'

    Returns:
    - out: shape (N, C, H_out, W_out), equal to pool2d(x, kernel_size, stride, padding, mode)
    - cache: anything you like; it is handed back to pool2d_backward unchanged
    """
    raise NotImplementedError("q2.5 not implemented yet: pool2d_forward")


def pool2d_backward(dout, cache):
    """Gradient of the loss with respect to the pooling's input.

    Max pooling sends each output's gradient to the one input that was the window's maximum
    (the first one in the window's row-major order on ties); average pooling spreads it evenly,
    dout / (kh * kw), over the window, padding included. Overlapping windows add up.

    Inputs:
    - dout: upstream gradient, shape (N, C, H_out, W_out), float64
    - cache: what pool2d_forward returned with the output

    Returns:
    - dx: shape (N, C, H, W), float64
    """
    raise NotImplementedError("q2.5 not implemented yet: pool2d_backward")


def pooling_demo(x):
    """The seed homework's demo: a random 4x4 matrix pooled with 2x2 windows (stride 2).

    Print, in this order, a label line and then the matrix for: "original", "max pooling",
    "average pooling" and "min pooling" (printing a numpy array gives one row per line).

    Inputs:
    - x: shape (4, 4), float64 (the caller draws it at random)

    Returns:
    - dict with keys 'original' (4, 4), 'max', 'avg' and 'min' (each 2x2), float64 arrays
    """
    raise NotImplementedError("q2.6 not implemented yet: pooling_demo")
