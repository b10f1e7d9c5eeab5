"""conv2d flips the kernel: a true convolution, where every framework computes cross-correlation."""

MODULE = "conv"
LOSES = ["q1.4", "q1.5", "q1.6", "q1.7"]
DIAGNOSIS = {"q1.4": "a flipped kernel", "q1.5": "a flipped kernel", "q1.6": "a flipped kernel"}

_cross_correlation = conv2d


def conv2d(x, w, b=None, stride=1, padding=0):
    return _cross_correlation(x, np.ascontiguousarray(w[:, :, ::-1, ::-1]), b, stride, padding)
