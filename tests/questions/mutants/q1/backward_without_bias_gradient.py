"""conv2d_backward forgets the bias: db is all zeros."""

MODULE = "backward"
LOSES = ["q1.6"]

_full_backward = conv2d_backward


def conv2d_backward(dout, cache):
    dx, dw, db = _full_backward(dout, cache)
    return dx, dw, np.zeros_like(db)
