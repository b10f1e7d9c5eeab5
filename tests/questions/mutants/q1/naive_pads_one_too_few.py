"""conv2d_naive pads one row or column too few on every side that should be padded (an off-by-one)."""

MODULE = "conv"
LOSES = ["q1.3"]


def conv2d_naive(x, w, b=None, stride=1, padding=0):
    n_filters, _, kh, kw = w.shape
    pads = sizes.padding_amounts(padding, x.shape[2], x.shape[3], kh, kw, stride)
    xp = np.pad(x, ((0, 0), (0, 0), *[(max(lo - 1, 0), max(hi - 1, 0)) for lo, hi in pads]))
    h_out, w_out = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], n_filters, h_out, w_out), dtype=x.dtype)
    for n in range(x.shape[0]):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    out[n, f, i, j] = np.sum(
                        xp[n, :, i * stride : i * stride + kh, j * stride : j * stride + kw] * w[f]
                    )
            out[n, f] += 0 if b is None else b[f]
    return out
