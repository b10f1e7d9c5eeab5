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
    ### BEGIN SOLUTION
    n_images = x.shape[0]
    n_filters, _, kh, kw = w.shape
    xp, _ = sizes.pad_input(x, kh, kw, stride, padding)
    h_out = (xp.shape[2] - kh) // stride + 1
    w_out = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((n_images, n_filters, h_out, w_out), dtype=x.dtype)
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    window = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = np.sum(window * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    kh, kw = w.shape[2:]
    xp, _ = sizes.pad_input(x, kh, kw, stride, padding)
    # A strided view, no copy: windows[n, c, i, j] is the (kh, kw) patch under output (i, j).
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    # optimize=True lets einsum hand the contraction to one matrix product (BLAS)
    out = np.einsum("nchwuv,fcuv->nfhw", windows, w, optimize=True)
    if b is not None:
        out += b[:, None, None]
    return out.astype(x.dtype, copy=False)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    maps = {}
    for stride in (1, 2):
        for padding in ("valid", "same"):
            fmap = conv2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]
            maps[(stride, padding)] = fmap
            print(f"stride={stride}, padding={padding.upper()}")
            print(fmap)
    return maps
    ### END SOLUTION
