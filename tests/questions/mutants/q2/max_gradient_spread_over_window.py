"""pool2d_backward spreads a max-pooling gradient evenly over the window instead of sending it to the arg-max."""

MODULE = "pooling"
LOSES = ["q2.5"]


def pool2d_backward(dout, cache):
    x_shape, kernel, strides, (ph, pw), mode, winner = cache
    dxp = np.zeros((*x_shape[:2], x_shape[2] + 2 * ph, x_shape[3] + 2 * pw), dtype=dout.dtype)
    for _, view in kernel_taps(dxp, kernel, strides, dout.shape[2:]):
        view += dout / (kernel[0] * kernel[1])
    return dxp[:, :, ph : ph + x_shape[2], pw : pw + x_shape[3]]
