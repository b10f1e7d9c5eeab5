"""2-D convolution of NCHW batches, written twice: with explicit loops, then vectorized.

Like every deep-learning framework, "convolution" here is cross-correlation: the kernel slides
over the input WITHOUT being flipped:

    out[n, f, i, j] = bias[f] + sum over c, u, v of x_pad[n, c, i*stride + u, j*stride + v] * w[f, c, u, v]
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import sizes


def conv2d_naive(x, w, b=None, stride=1, padding=0):
    """2-D cross-correlation with explicit loops over images, filters and output positions.

    Inputs:
    - x: input, shape (N, C, H, W), float32 or float64
    - w: filters, shape (F, C, KH, KW), same dtype as x
    - b: biases, shape (F,), or None for no bias
    - stride: int >= 1, the same along height and width
    - padding: int, pair (ph, pw), 'valid' or 'same' (TensorFlow's SAME: extra zero bottom/right);
      `sizes.pad_input` pads x for you once your `sizes.same_padding` works

    Returns:
    - out: shape (N, F, H_out, W_out), the dtype of x, with H_out = conv_output_size(H, KH, stride, padding)
    """
    raise NotImplementedError("q1.3 not implemented yet: conv2d_naive")


def conv2d(x, w, b=None, stride=1, padding=0):
    """Vectorized 2-D cross-correlation: no Python loop over images, filters or positions.

    Same contract as `conv2d_naive`; build every window at once (im2col, or
    numpy.lib.stride_tricks.sliding_window_view) and contract it with the filters
    (a matrix product, np.tensordot or np.einsum).

    Inputs:
    - x: input, shape (N, C, H, W), float32 or float64
    - w: filters, shape (F, C, KH, KW), same dtype as x
    - b: biases, shape (F,), or None
    - stride: int >= 1
    - padding: int, pair (ph, pw), 'valid' or 'same'

    Returns:
    - out: shape (N, F, H_out, W_out), the dtype of x
    """
    raise NotImplementedError("q1.4 not implemented yet: conv2d")


def seed_table(x, w):
    """The seed homework's table: one 2-D input and kernel under stride 1 and 2, VALID and SAME.

    For each (stride, padding) in (1, 'valid'), (1, 'same'), (2, 'valid'), (2, 'same'), in that
    order, print one label line naming both, e.g. ``stride=2, padding=SAME``, then the feature map,
    one row per line (printing the numpy array does this).

    Inputs:
    - x: one input map, shape (H, W), float64 (the seed uses a 5x5 input)
    - w: one kernel, shape (KH, KW), float64 (the seed uses 3x3)

    Returns:
    - dict mapping (stride, padding) -> feature map of shape (H_out, W_out), float64;
      for 5x5 and 3x3 the maps are 3x3, 5x5, 2x2 and 3x3
    """
    raise NotImplementedError("q1.5 not implemented yet: seed_table")
