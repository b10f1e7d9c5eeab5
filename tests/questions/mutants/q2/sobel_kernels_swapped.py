"""sobel_kernels returns Sobel-Y as Sobel-X and the other way round."""

MODULE = "filters"
LOSES = ["q2.1", "q2.2", "q2.3"]

_right_order = sobel_kernels


def sobel_kernels():
    kx, ky = _right_order()
    return ky, kx
