"""Convolution arithmetic along one axis: how long the output is, and where 'same' puts its zeros.

Everything here works on one spatial axis at a time (rows or columns): a 2-D convolution applies
the same rule to its height and its width independently.
"""
import numpy as np


def conv_output_size(n, k, stride=1, padding=0):
    """Number of output positions of a convolution (or pooling) along one axis.

    Inputs:
    - n: input length, int >= 1
    - k: kernel length, int >= 1
    - stride: step between two windows, int >= 1
    - padding: one of
        - an int p >= 0: p zeros on EACH side (the input becomes n + 2p long),
        - 'valid': no padding, only windows that fit entirely inside the input,
        - 'same': TensorFlow's SAME: as many zeros as needed for ceil(n / stride) outputs,
          whatever k is.

    Returns:
    - int: the output length (>= 1 whenever the kernel fits the padded input)
    """
    ### BEGIN SOLUTION
    if padding == "same":
        return -(-n // stride)  # ceil(n / stride) in integer arithmetic
    if padding == "valid":
        padding = 0
    return (n + 2 * padding - k) // stride + 1
    ### END SOLUTION


def same_padding(n, k, stride=1):
    """How TensorFlow's SAME padding splits its zeros between the two ends of one axis.

    The output has ceil(n / stride) positions; the total padding is the least that makes the last
    window fit: max((out - 1) * stride + k - n, 0). When the total is odd, the extra zero goes
    AFTER the input (bottom rows, right columns).

    Inputs:
    - n: input length, int >= 1
    - k: kernel length, int >= 1
    - stride: int >= 1

    Returns:
    - (before, after): tuple of two ints >= 0, zeros added before the first and after the last element
    """
    ### BEGIN SOLUTION
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    before = total // 2
    return before, total - before
    ### END SOLUTION


def padding_amounts(padding, h, w, kh, kw, stride=1):
    """Rows and columns of zeros a 2-D convolution adds, for every way of giving `padding`.

    Inputs:
    - padding: int p (p on every side), pair (ph, pw) (ph rows above and below, pw columns left
      and right), 'valid' (none) or 'same' (TensorFlow's SAME, split by `same_padding`)
    - h, w: input height and width, ints
    - kh, kw: kernel height and width, ints
    - stride: int >= 1 (only 'same' depends on it)

    Returns:
    - ((top, bottom), (left, right)): ints >= 0
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            return same_padding(h, kh, stride), same_padding(w, kw, stride)
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    return (int(ph), int(ph)), (int(pw), int(pw))


def pad_input(x, kh, kw, stride=1, padding=0):
    """Zero-pad an NCHW batch as a convolution with this kernel, stride and padding does.

    Inputs:
    - x: input, shape (N, C, H, W), float32 or float64
    - kh, kw: kernel height and width
    - stride: int >= 1
    - padding: int, (ph, pw), 'valid' or 'same' (see `padding_amounts`)

    Returns:
    - x_padded: shape (N, C, H + top + bottom, W + left + right), same dtype as x
    - pads: ((top, bottom), (left, right)), to crop a gradient back to x's shape
    """
    pads = padding_amounts(padding, x.shape[2], x.shape[3], kh, kw, stride)
    return np.pad(x, ((0, 0), (0, 0), *pads)), pads
