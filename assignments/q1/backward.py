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
    raise NotImplementedError("q1.6 not implemented yet: conv2d_forward")


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
    raise NotImplementedError("q1.6 not implemented yet: conv2d_backward")
