"""pool2d_backward sends a max-pooling window's gradient to every input equal to its maximum, where
torch (and the task) send it to the first maximum only: on ties the gradient is counted twice."""

MODULE = "pooling"
LOSES = []
PARTIAL = ["q2.5"]  # without ties (the numeric-gradient tests) it is right
DIAGNOSIS = {"q2.5": "a max-pool gradient sent to every maximum of a tie"}

_forward_with_winner = pool2d_forward
_backward_to_winner = pool2d_backward


def pool2d_forward(x, kernel_size, stride=None, padding=0, mode="max"):
    out, cache = _forward_with_winner(x, kernel_size, stride, padding, mode)
    return out, (cache, x, out)


def pool2d_backward(dout, cache):
    cache, x, out = cache
    x_shape, kernel, strides, (ph, pw), mode, _ = cache
    if mode != "max":
        return _backward_to_winner(dout, cache)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape, dtype=dout.dtype)
    taps = zip(kernel_taps(xp, kernel, strides, dout.shape[2:]), kernel_taps(dxp, kernel, strides, dout.shape[2:]))
    for (_, x_view), (_, dx_view) in taps:
        dx_view += np.where(x_view == out, dout, 0.0)
    return dxp[:, :, ph : ph + x_shape[2], pw : pw + x_shape[3]]
