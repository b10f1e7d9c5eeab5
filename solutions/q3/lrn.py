"""Local response normalization (LRN) across channels, written in NumPy.

AlexNet (Krizhevsky, Sutskever and Hinton, 2012, section 3.3) divides each activation by a
power of the energy of its neighbouring channels at the same pixel:

    b_c = a_c / (k + alpha * sum_{j in W(c)} a_j ** 2) ** beta,   k=2, n=5, alpha=1e-4, beta=0.75

W(c) is a window of n channels centred on c, clipped at the first and last channel, so n is odd.
PyTorch also accepts an even n, with the window [c - n//2, c + (n-1)//2]; here the 'torch'
convention does the same. (Caffe's LRN layer does not: it requires an odd local_size.)

Two conventions exist for alpha:
- 'alexnet' (the paper): alpha multiplies the sum itself;
- 'torch' (Caffe, PyTorch's ``local_response_norm``): alpha multiplies the *mean* over the
  window, i.e. alpha / n times the sum; PyTorch's default k is 1.
"""
import numpy as np

CONVENTIONS = ("alexnet", "torch")


def channel_window_sum(a, before, after):
    """For every channel c, the sum of a over channels c - before ... c + after (clipped to [0, C-1]).

    Inputs:
    - a: shape (N, C, H, W), float64 or float32
    - before, after: ints >= 0, how many channels below and above c the window reaches

    Returns:
    - sums: shape (N, C, H, W), dtype of a; sums[:, c] = a[:, max(0, c-before):min(C, c+after+1)].sum(axis=1)
    """
    ### BEGIN SOLUTION
    channels = a.shape[1]
    sums = np.zeros_like(a)
    # One shifted add per offset of the window: before + after + 1 passes over the whole array, no
    # loop over channels. Plain additions keep the sums exact (prefix sums would subtract large
    # running totals from each other).
    for offset in range(-before, after + 1):
        first, stop = max(0, -offset), min(channels, channels - offset)  # channels c whose c + offset exists
        if first < stop:
            sums[:, first:stop] += a[:, first + offset:stop + offset]
    return sums
    ### END SOLUTION


def lrn_forward(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    """LRN forward pass across channels.

    Inputs:
    - x: activations, shape (N, C, H, W), float64 or float32
    - size: n, the number of channels in the window (any C, also C < n); odd for 'alexnet',
      any for 'torch' (an even window reaches one channel further down than up)
    - alpha, beta, k: floats of the formula above (AlexNet: 1e-4, 0.75, 2)
    - convention: 'alexnet' (alpha times the window sum) or 'torch' (alpha / size times the window
      sum, which equals torch.nn.functional.local_response_norm with the same size, alpha, beta, k)

    Returns a tuple (out, cache):
    - out: shape (N, C, H, W), dtype of x
    - cache: anything lrn_backward needs
    """
    ### BEGIN SOLUTION
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if convention == "alexnet" and size % 2 == 0:
        raise ValueError(f"the 'alexnet' convention centres its window on the channel: size must be odd, got {size}")
    weight = alpha if convention == "alexnet" else alpha / size
    scale = channel_window_sum(x * x, size // 2, (size - 1) // 2)
    scale *= weight  # in place: these arrays are as large as x
    scale += k
    factor = np.power(scale, -beta)
    out = x * factor
    cache = (x, scale, factor, weight, beta, size)
    return out, cache
    ### END SOLUTION


def lrn(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    """The output of lrn_forward alone (given): what the speed task q3.7 times.

    Inputs: as lrn_forward. Returns: out, shape (N, C, H, W), dtype of x.
    """
    return lrn_forward(x, size, alpha, beta, k, convention)[0]


def lrn_backward(dout, cache):
    """LRN backward pass.

    Inputs:
    - dout: upstream gradient, shape (N, C, H, W)
    - cache: the cache lrn_forward returned

    Returns:
    - dx: shape (N, C, H, W), the gradient with respect to x. Every a_i appears in its own
      numerator and in the denominators of all channels whose window contains i.
    """
    ### BEGIN SOLUTION
    x, scale, factor, weight, beta, size = cache
    # b_c = a_c * s_c^-beta with s_c = k + weight * sum_{j in W(c)} a_j^2, so
    # dx_i = dout_i * s_i^-beta - 2 * weight * beta * a_i * sum_{c : i in W(c)} dout_c * a_c * s_c^(-beta-1).
    # i is in W(c) exactly when c lies in the mirrored window [i - (size-1)//2, i + size//2].
    through_scale = dout * x * factor / scale
    spread = channel_window_sum(through_scale, (size - 1) // 2, size // 2)
    return dout * factor - 2.0 * weight * beta * x * spread
    ### END SOLUTION
