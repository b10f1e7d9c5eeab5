"""Backward pass of a 2-D convolution, as a CS231n-style forward/backward pair.

`conv2d_forward` returns the output and a cache; `conv2d_backward` turns the upstream gradient
dout = dL/dout into the gradients of the loss with respect to x, w and b.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import conv, sizes


def conv2d_forward(x, w, b, stride=1, padding=0):
    """Forward pass that remembers what the backward pass needs.

    Inputs:
    - x: input, shape (N, C, H, W), float64
    - w: filters, shape (F, C, KH, KW), float64
    - b: biases, shape (F,), float64
    - stride: int >= 1
    - padding: int, pair (ph, pw), 'valid' or 'same'

    Returns:
    - out: shape (N, F, H_out, W_out), float64, equal to conv.conv2d(x, w, b, stride, padding)
    - cache: anything you like; it is handed back to conv2d_backward unchanged
    """
    ### BEGIN SOLUTION
    out = conv.conv2d(x, w, b, stride, padding)
    return out, (x, w, b, stride, padding)
    ### END SOLUTION


def conv2d_backward(dout, cache):
    """Gradients of the loss with respect to the convolution's input, filters and biases.

    Inputs:
    - dout: upstream gradient, shape (N, F, H_out, W_out), float64
    - cache: what conv2d_forward returned with the output

    Returns:
    - dx: shape (N, C, H, W), float64 (the padding's gradient is dropped: zeros are not inputs)
    - dw: shape (F, C, KH, KW), float64
    - db: shape (F,), float64
    """
    ### BEGIN SOLUTION
    x, w, b, stride, padding = cache
    kh, kw = w.shape[2:]
    xp, ((top, _), (left, _)) = sizes.pad_input(x, kh, kw, stride, padding)
    h_out, w_out = dout.shape[2:]
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3]))  # (F, C, KH, KW)
    db = dout.sum(axis=(0, 2, 3))
    # Each kernel tap (ki, kj) saw the strided grid of inputs starting at (ki, kj): send the
    # gradient back along the same grid, one tap at a time (KH * KW vectorized steps).
    dxp = np.zeros_like(xp)
    for ki in range(kh):
        for kj in range(kw):
            rows = slice(ki, ki + stride * (h_out - 1) + 1, stride)
            cols = slice(kj, kj + stride * (w_out - 1) + 1, stride)
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, ki, kj])
    dx = dxp[:, :, top:top + x.shape[2], left:left + x.shape[3]]
    return dx, dw, db
    ### END SOLUTION
