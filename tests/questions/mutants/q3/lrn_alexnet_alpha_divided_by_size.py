"""The 'alexnet' convention divides alpha by the window size, as only the 'torch' convention should."""

MODULE = "lrn"
LOSES = ["q3.5", "q3.6", "q3.7"]
DIAGNOSIS = {"q3.5": "LRN's alpha divided by n in AlexNet's convention"}

_correct_lrn_forward = lrn_forward


def lrn_forward(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    if convention == "alexnet":
        alpha = alpha / size
    return _correct_lrn_forward(x, size, alpha, beta, k, convention)
