"""The forward kernel hands the math to ATen (pow, avg_pool3d, ...) on whole tensors instead of looping itself."""

MODULE = "lrn_kernel"
# q10.5 too: its backward is honest, but it runs the same library, which imports the operators.
LOSES = ["q10.2", "q10.4", "q10.5"]

_correct_lrn_source = lrn_source

# Window sums as an average pool over channels of the zero-padded squares, times the window size.
_ATEN_FORWARD = r"""
#include <ATen/ops/avg_pool3d.h>
#include <ATen/ops/constant_pad_nd.h>

at::Tensor lrn_forward(at::Tensor x, int64_t size, double alpha, double beta, double k) {
  check_input(x, "x");
  check_size(size);
  const int64_t half = size / 2;
  auto squares = at::constant_pad_nd(x.pow(2).unsqueeze(1), {0, 0, 0, 0, half, half});
  auto sums = at::avg_pool3d(squares, {size, 1, 1}, {1, 1, 1}).squeeze(1).mul(double(size));
  return x.mul(sums.mul(alpha).add(k).pow(-beta));
}

"""


def lrn_source():
    source = _correct_lrn_source()
    start = source.index("at::Tensor lrn_forward(")
    end = source.index("at::Tensor lrn_backward(")
    return source[:start] + _ATEN_FORWARD + source[end:]
