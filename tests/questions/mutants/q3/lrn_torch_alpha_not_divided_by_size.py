"""The 'torch' convention uses alpha as it is, as only the 'alexnet' convention should: torch's
LocalResponseNorm scales the window's sum by alpha / size."""

MODULE = "lrn"
LOSES = ["q3.6"]
PARTIAL = ["q3.5"]  # the tests of AlexNet's defaults pass
DIAGNOSIS = {"q3.5": "LRN's alpha not divided by n in torch's convention"}

_forward_both_conventions = lrn_forward


def lrn_forward(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    if convention == "torch":
        alpha = alpha * size
    return _forward_both_conventions(x, size, alpha, beta, k, convention)
