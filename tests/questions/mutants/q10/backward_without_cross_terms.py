"""The backward kernel keeps only dout * s^-beta and drops what each input adds to its neighbours' sums."""

MODULE = "lrn_kernel"
LOSES = ["q10.5"]

_correct_lrn_source = lrn_source


def lrn_source():
    right = "dx[i] = static_cast<T>(double(dx[i]) - 2.0 * alpha * beta * double(x[i]) * acc[p]);"
    source = _correct_lrn_source()
    assert right in source, "the mutant no longer finds the line it changes"
    return source.replace(right, "(void)acc;")
