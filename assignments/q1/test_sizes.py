"""q1.1 and q1.2: output sizes and the SAME padding split, on sizes you can check by hand."""
import pytest

import gradekit
from gradekit.checks.q1 import same_padding_mistakes
from gradekit.testing import assert_equal

sizes = gradekit.submission("q1.sizes")


@pytest.mark.task("q1.1")
def test_output_sizes_of_the_seed_and_of_classic_layers():
    # (n, k, stride, padding) -> output length; the first four are the seed's 5x5 input and 3x3 kernel.
    cases = {
        (5, 3, 1, "valid"): 3,
        (5, 3, 1, "same"): 5,
        (5, 3, 2, "valid"): 2,
        (5, 3, 2, "same"): 3,
        (5, 3, 1, 1): 5,  # one zero each side keeps a 3-wide kernel's output the size of its input
        (7, 3, 2, 1): 4,
        (32, 5, 1, 0): 28,  # LeNet-5's C1
        (227, 11, 4, 0): 55,  # AlexNet's conv1
        (224, 7, 2, "same"): 112,
        (10, 2, 3, "valid"): 3,  # stride larger than the kernel skips inputs
    }
    for (n, k, stride, padding), expected in cases.items():
        got = sizes.conv_output_size(n, k, stride, padding)
        assert_equal(got, expected, name=f"conv_output_size({n}, {k}, stride={stride}, padding={padding!r})")


@pytest.mark.task("q1.2")
def test_same_padding_puts_the_odd_zero_after_the_input():
    # total = max((ceil(n / s) - 1) * s + k - n, 0), split (total // 2, total - total // 2)
    cases = {
        (5, 3, 1): (1, 1),
        (5, 3, 2): (1, 1),
        (6, 3, 2): (0, 1),  # total 1: the single zero goes after the input
        (224, 7, 2): (2, 3),
        (8, 4, 1): (1, 2),
        (5, 1, 3): (0, 0),  # stride larger than the kernel: no padding needed
    }
    for (n, k, stride), expected in cases.items():
        got = sizes.same_padding(n, k, stride)
        assert_equal(tuple(got) if isinstance(got, list) else got, expected,
                     name=f"same_padding({n}, {k}, stride={stride})", mistakes=same_padding_mistakes(n, k, stride))
