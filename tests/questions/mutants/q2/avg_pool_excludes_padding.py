"""Average pooling divides by the number of real pixels in each window (count_include_pad=False),
where torch's default, and the task, count the padding zeros."""

MODULE = "pooling"
LOSES = ["q2.4", "q2.5"]
DIAGNOSIS = {"q2.4": "average pooling that excludes padding", "q2.5": "average pooling that excludes padding"}

_pool2d_including_padding = pool2d


def pool2d(x, kernel_size, stride=None, padding=0, mode="max"):
    out = _pool2d_including_padding(x, kernel_size, stride, padding, mode)
    if mode != "avg":
        return out
    real = _pool2d_including_padding(np.ones((1, 1, *x.shape[2:])), kernel_size, stride, padding, "avg")
    return (out / real).astype(x.dtype)
