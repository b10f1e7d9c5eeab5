"""The forward kernel's window reaches size // 2 + 1 channels to each side instead of size // 2."""

MODULE = "lrn_kernel"
LOSES = ["q10.2", "q10.4"]

_correct_lrn_source = lrn_source


def lrn_source():
    right = "forward_image(xp + offset, yp + offset, channels, plane, size / 2,"
    source = _correct_lrn_source()
    assert right in source, "the mutant no longer finds the line it changes"
    return source.replace(right, "forward_image(xp + offset, yp + offset, channels, plane, size / 2 + 1,")
