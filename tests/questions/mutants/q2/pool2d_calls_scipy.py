"""pool2d builds max and min pooling on scipy.ndimage's maximum/minimum filters: a pooling routine
the task forbids (average pooling stays hand-written)."""

MODULE = "pooling"
LOSES = ["q2.4", "q2.5", "q2.6", "q2.7"]

_own_pool2d = pool2d


def pool2d(x, kernel_size, stride=None, padding=0, mode="max"):
    import scipy.ndimage

    if mode == "avg":
        return _own_pool2d(x, kernel_size, stride, padding, mode)
    kh, kw = as_pair(kernel_size)
    sh, sw = as_pair(kernel_size if stride is None else stride)
    ph, pw = as_pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=FILL[mode])
    rank = scipy.ndimage.maximum_filter if mode == "max" else scipy.ndimage.minimum_filter
    # origin moves each filter window to start at its pixel instead of centring on it
    filtered = rank(xp, size=(1, 1, kh, kw), origin=(0, 0, -(kh // 2), -(kw // 2)), mode="nearest")
    h_out, w_out = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    return filtered[:, :, ::sh, ::sw][:, :, :h_out, :w_out]
