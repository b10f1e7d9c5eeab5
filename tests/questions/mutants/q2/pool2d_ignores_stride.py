"""pool2d always moves its windows by the kernel size, whatever stride it is given."""

MODULE = "pooling"
LOSES = ["q2.4", "q2.5", "q2.7"]

_pool2d_with_stride = pool2d


def pool2d(x, kernel_size, stride=None, padding=0, mode="max"):
    return _pool2d_with_stride(x, kernel_size, None, padding, mode)
