"""The LRN window stops one channel short above c: [c - n//2, c + (n-1)//2 - 1]."""

MODULE = "lrn"
LOSES = ["q3.5", "q3.6", "q3.7"]


def lrn_forward(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    weight = alpha if convention == "alexnet" else alpha / size
    scale = k + weight * channel_window_sum(x * x, size // 2, (size - 1) // 2 - 1)
    factor = scale**-beta
    return x * factor, (x, scale, factor, weight, beta, size)
