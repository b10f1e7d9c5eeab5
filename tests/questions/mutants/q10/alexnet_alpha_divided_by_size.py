"""The forward kernel divides alpha by the window size: the 'torch' (Caffe) convention instead of AlexNet's."""

MODULE = "lrn_kernel"
LOSES = ["q10.2", "q10.4"]
DIAGNOSIS = {"q10.2": "LRN's alpha divided by n in AlexNet's convention"}

_correct_lrn_source = lrn_source


def lrn_source():
    right = "channels, plane, size / 2, alpha, beta, k);"
    source = _correct_lrn_source()
    assert source.count(right) == 2, "the mutant no longer finds the forward and backward calls"
    forward_call = source.index(right)  # lrn_forward comes first in the source; its call is changed
    return (
        source[:forward_call]
        + "channels, plane, size / 2, alpha / size, beta, k);"
        + source[forward_call + len(right) :]
    )
