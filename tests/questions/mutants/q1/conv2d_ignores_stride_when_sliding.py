"""conv2d sizes its output for the stride but slides its windows one pixel at a time."""

MODULE = "conv"
LOSES = ["q1.4", "q1.5", "q1.6"]
# q1.7 (speed) is left out: sliding one pixel at a time is 3x slower on the strided layers, so
# whether it stays above the speed target depends on the machine (0.21x against 0.25x on one).
ONLY = ["q1.1", "q1.2", "q1.3", "q1.4", "q1.5", "q1.6"]


def conv2d(x, w, b=None, stride=1, padding=0):
    kh, kw = w.shape[2:]
    xp, _ = sizes.pad_input(x, kh, kw, stride, padding)
    h_out, w_out = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, :h_out, :w_out]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])) + (0 if b is None else b)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)).astype(x.dtype, copy=False)
