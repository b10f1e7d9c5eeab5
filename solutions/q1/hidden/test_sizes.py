"""Hidden tests of q1.1 and q1.2: many sizes, drawn from fixed seeds, against torch and gradekit's kernel."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import ops
from gradekit.testing import assert_close, assert_equal

sizes = gradekit.submission("q1.sizes")


def random_sizes(seed, count):
    """(n, k, stride) triples with k <= n, including strides larger than the kernel."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(1, 40))
        yield n, int(rng.integers(1, n + 1)), int(rng.integers(1, 6))


@pytest.mark.task("q1.1")
def test_output_size_with_explicit_and_valid_padding_matches_torch():
    for n, k, stride in random_sizes(11, 40):  # torch's shape checks cost milliseconds per call
        for padding in (0, k - 1, k // 2, "valid"):
            p = 0 if padding == "valid" else padding
            expected = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=stride, padding=p).shape[-1]
            assert_equal(sizes.conv_output_size(n, k, stride, padding), expected,
                         name=f"conv_output_size({n}, {k}, stride={stride}, padding={padding!r})")


@pytest.mark.task("q1.1")
def test_output_size_with_same_padding_is_ceil_of_n_over_stride():
    for n, k, stride in random_sizes(12, 150):
        assert_equal(sizes.conv_output_size(n, k, stride, "same"), -(-n // stride),
                     name=f"conv_output_size({n}, {k}, stride={stride}, padding='same')")


@pytest.mark.task("q1.2")
def test_same_padding_matches_the_reference_solution():
    reference = gradekit.reference("q1.sizes")
    cases = [*random_sizes(13, 200), (7, 2, 3), (6, 3, 2), (9, 4, 1)]  # the last three pad unevenly
    for n, k, stride in cases:
        got = sizes.same_padding(n, k, stride)
        assert_equal(tuple(got), tuple(reference.same_padding(n, k, stride)),
                     name=f"same_padding({n}, {k}, stride={stride})")


@pytest.mark.task("q1.2")
def test_same_padding_reproduces_the_kernels_same_convolution():
    # Padding by the split and convolving VALID must equal gradekit's SAME convolution.
    rng = np.random.default_rng(14)
    for n, k, stride in [(7, 2, 3), (6, 3, 2), (9, 4, 1), (8, 5, 3), (11, 3, 2)]:
        x = torch.from_numpy(rng.standard_normal((1, 1, 1, n)))
        w = torch.from_numpy(rng.standard_normal((1, 1, 1, k)))
        before, after = sizes.same_padding(n, k, stride)
        got = F.conv2d(F.pad(x, (before, after)), w, stride=stride)
        assert_close(got, ops.conv2d(x, w, stride=stride, padding="same"), rtol=1e-12, atol=1e-12,
                     name=f"a VALID convolution after padding by same_padding({n}, {k}, stride={stride})")
