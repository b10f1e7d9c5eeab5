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
    raise NotImplementedError("q3.4 not implemented yet: channel_window_sum")


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
    raise NotImplementedError("q3.5 not implemented yet: lrn_forward")


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
    raise NotImplementedError("q3.6 not implemented yet: lrn_backward")
