"""Local response normalization as your own C++ kernel, compiled with torch.utils.cpp_extension.load_inline.

AlexNet's LRN (Krizhevsky, Sutskever and Hinton, 2012, section 3.3; q3 wrote it in NumPy):

    b_c = a_c / (k + alpha * sum_{j = max(0, c - n//2)}^{min(C - 1, c + n//2)} a_j ** 2) ** beta

for every image and pixel of an NCHW tensor, with the window of n (odd) channels centred on c and
clipped at the first and last channel; alpha is NOT divided by n (that is the 'torch' convention).

The C++ lives in a Python string (``lrn_source``) so that this file is all you hand in. ``build``
compiles it once per process (and load_inline keeps the compiled library on disk, so the next run
only loads it); ``lrn`` and ``lrn_backward`` call the compiled functions.
"""
import hashlib

import torch
from torch.utils import cpp_extension

# What every source needs, put in front of lrn_source(). load_inline's default is the whole of
# <torch/extension.h> (the C++ frontend: tens of seconds to compile on two cores); these few headers
# give at::Tensor, TORCH_CHECK, AT_DISPATCH_FLOATING_TYPES, at::parallel_for, at::empty_like and the
# pybind11 bindings that load_inline generates, in a fraction of that time.
HEADERS = """\
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty_like.h>
#include <torch/csrc/Exceptions.h>
#include <torch/csrc/utils/pybind.h>
"""
# Makes the compiler count lines from the first line of the string lrn_source() returns and call
# the file lrn_source(): its errors then point into your string, not into a generated main.cpp.
LINE_DIRECTIVE = '#line 1 "lrn_source()"'
# Flags for the compiler: optimize, and let at::parallel_for use OpenMP threads as torch does.
CFLAGS = ["-O3", "-fopenmp"]
LDFLAGS = ["-fopenmp"]
# The functions load_inline makes callable from Python (pybind11 bindings are generated for them).
FUNCTIONS = ["lrn_forward", "lrn_backward"]


def lrn_source():
    """The C++ source of the kernels, as one string.

    build() puts HEADERS in front of it, so at::Tensor, TORCH_CHECK, AT_DISPATCH_FLOATING_TYPES,
    at::parallel_for and at::empty_like are there; include any other standard header you use.

    It must define, at namespace scope:
    - ``at::Tensor lrn_forward(at::Tensor x, int64_t size, double alpha, double beta, double k)``:
      x contiguous (N, C, H, W), float32 or float64, on the CPU; returns a new tensor of x's shape
      and dtype holding AlexNet's LRN of x (formula in the module docstring).
    - ``at::Tensor lrn_backward(at::Tensor grad_out, at::Tensor x, int64_t size, double alpha,
      double beta, double k)`` (task q10.5): the gradient of sum(grad_out * lrn_forward(x)) with
      respect to x, shape and dtype of x. Until you write it, keep a one-line version that raises
      (``TORCH_CHECK(false, "lrn_backward is not written yet");``) or take it out of FUNCTIONS:
      the generated bindings need every function FUNCTIONS names.
    Both check their arguments with TORCH_CHECK and a message naming the argument and its value
    (``size must be odd, got size=4``): x not 4-D, a dtype other than float32/float64, a size that
    is not a positive odd number, a grad_out whose shape differs from x's.
    Compute with loops over the tensors' data (data_ptr): the only ATen calls allowed are the ones
    that allocate or lay out memory (at::empty_like, .contiguous(), ...).

    Returns:
    - str, C++ source code
    """
    ### BEGIN SOLUTION
    return r"""
#include <algorithm>
#include <cmath>
#include <vector>

namespace {

void check_input(const at::Tensor& x, const char* name) {
  TORCH_CHECK(x.dim() == 4, name, " must be a 4-D (N, C, H, W) tensor, got ", name, ".dim()=", x.dim());
  TORCH_CHECK(x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble,
              name, " must be float32 or float64, got ", name, ".dtype=", x.scalar_type());
  TORCH_CHECK(x.device().is_cpu(), name, " must be on the CPU, got ", name, ".device=", x.device());
}

void check_size(int64_t size) {
  TORCH_CHECK(size >= 1 && size % 2 == 1,
              "size must be a positive odd number (the window is centred on its channel), got size=", size);
}

// Slides a window of squares over the channels of one image. sum[p] holds, for pixel p, the sum of
// v(j)[p]^2 over the window of the current channel: each step adds the channel entering at the
// top and drops the one leaving at the bottom, two operations per pixel instead of `size`.
// The sums are doubles so that adding and dropping float32 squares does not drift.
template <typename T>
struct Window {
  const T* x;
  int64_t channels, plane, half;
  std::vector<double> sum;

  Window(const T* x_, int64_t channels_, int64_t plane_, int64_t half_)
      : x(x_), channels(channels_), plane(plane_), half(half_), sum(plane_, 0.0) {
    // Channels 0 .. half-1; step(0) adds channel `half`, completing channel 0's window.
    for (int64_t j = 0; j < std::min(half, channels); ++j) add(j, 1.0);
  }

  void add(int64_t j, double sign) {
    const T* row = x + j * plane;
    for (int64_t p = 0; p < plane; ++p) sum[p] += sign * double(row[p]) * double(row[p]);
  }

  void step(int64_t c) {
    if (c + half < channels) add(c + half, 1.0);
    if (c - half - 1 >= 0) add(c - half - 1, -1.0);
  }
};

template <typename T>
void forward_image(const T* x, T* y, int64_t channels, int64_t plane, int64_t half, double alpha,
                   double beta, double k) {
  Window<T> window(x, channels, plane, half);
  // The power in T: a float32 std::pow costs about half a double one, and its rounding error is
  // already below float32's.
  const T neg_beta = static_cast<T>(-beta);
  for (int64_t c = 0; c < channels; ++c) {
    window.step(c);
    const T* xc = x + c * plane;
    T* yc = y + c * plane;
    for (int64_t p = 0; p < plane; ++p) {
      yc[p] = xc[p] * std::pow(static_cast<T>(k + alpha * window.sum[p]), neg_beta);
    }
  }
}

// With s_c = k + alpha * window sum and y_c = x_c s_c^-beta:
//   dx_j = g_j s_j^-beta - 2 alpha beta x_j sum_{c : j in window(c)} g_c x_c s_c^(-beta-1),
// and for a centred window, j is in window(c) exactly when c is in window(j): the second sum is
// the same sliding window, over t_c = g_c x_c s_c^(-beta-1) instead of squares.
template <typename T>
void backward_image(const T* g, const T* x, T* dx, int64_t channels, int64_t plane, int64_t half,
                    double alpha, double beta, double k) {
  Window<T> window(x, channels, plane, half);
  std::vector<double> t(channels * plane);
  for (int64_t c = 0; c < channels; ++c) {
    window.step(c);
    for (int64_t p = 0; p < plane; ++p) {
      const int64_t i = c * plane + p;
      const double s = k + alpha * window.sum[p];
      const double scaled = std::pow(s, -beta);
      dx[i] = static_cast<T>(double(g[i]) * scaled);
      t[i] = double(g[i]) * double(x[i]) * scaled / s;
    }
  }
  std::vector<double> acc(plane, 0.0);
  for (int64_t j = 0; j < std::min(half, channels); ++j)
    for (int64_t p = 0; p < plane; ++p) acc[p] += t[j * plane + p];
  for (int64_t c = 0; c < channels; ++c) {
    if (c + half < channels)
      for (int64_t p = 0; p < plane; ++p) acc[p] += t[(c + half) * plane + p];
    if (c - half - 1 >= 0)
      for (int64_t p = 0; p < plane; ++p) acc[p] -= t[(c - half - 1) * plane + p];
    for (int64_t p = 0; p < plane; ++p) {
      const int64_t i = c * plane + p;
      dx[i] = static_cast<T>(double(dx[i]) - 2.0 * alpha * beta * double(x[i]) * acc[p]);
    }
  }
}

}  // namespace

at::Tensor lrn_forward(at::Tensor x, int64_t size, double alpha, double beta, double k) {
  check_input(x, "x");
  check_size(size);
  x = x.contiguous();
  auto y = at::empty_like(x);
  const int64_t batch = x.size(0), channels = x.size(1), plane = x.size(2) * x.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn_forward", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* yp = y.data_ptr<scalar_t>();
    // Images are independent: one thread per run of images.
    at::parallel_for(0, batch, 1, [&](int64_t first, int64_t last) {
      for (int64_t n = first; n < last; ++n) {
        const int64_t offset = n * channels * plane;
        forward_image(xp + offset, yp + offset, channels, plane, size / 2, alpha, beta, k);
      }
    });
  });
  return y;
}

at::Tensor lrn_backward(at::Tensor grad_out, at::Tensor x, int64_t size, double alpha,
                           double beta, double k) {
  check_input(x, "x");
  check_input(grad_out, "grad_out");
  check_size(size);
  TORCH_CHECK(grad_out.sizes() == x.sizes(), "grad_out must have the shape of x ", x.sizes(),
              ", got grad_out.shape=", grad_out.sizes());
  TORCH_CHECK(grad_out.scalar_type() == x.scalar_type(), "grad_out must have the dtype of x (",
              x.scalar_type(), "), got grad_out.dtype=", grad_out.scalar_type());
  x = x.contiguous();
  grad_out = grad_out.contiguous();
  auto dx = at::empty_like(x);
  const int64_t batch = x.size(0), channels = x.size(1), plane = x.size(2) * x.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn_backward", [&] {
    const scalar_t* gp = grad_out.data_ptr<scalar_t>();
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* dxp = dx.data_ptr<scalar_t>();
    at::parallel_for(0, batch, 1, [&](int64_t first, int64_t last) {
      for (int64_t n = first; n < last; ++n) {
        const int64_t offset = n * channels * plane;
        backward_image(gp + offset, xp + offset, dxp + offset, channels, plane, size / 2, alpha, beta, k);
      }
    });
  });
  return dx;
}
"""
    ### END SOLUTION


_built = {}  # source hash -> compiled module: one compilation per process and source


def build(verbose=False):
    """Compile lrn_source() (or load it from load_inline's cache on disk) and return the module.

    The module is named after a hash of the source, so every version of your C++ has its own build
    folder under $TORCH_EXTENSIONS_DIR (default ~/.cache/torch_extensions): going back to an earlier
    version loads it again without compiling.

    Inputs:
    - verbose: bool, print the compiler's commands and output as it runs

    Returns:
    - the compiled Python module, with the functions named in FUNCTIONS

    Raises:
    - RuntimeError whose first line is the compiler's first error, when the source does not compile
    """
    source = lrn_source()
    digest = hashlib.sha1((HEADERS + LINE_DIRECTIVE + source).encode()).hexdigest()[:12]
    if digest not in _built:
        try:
            _built[digest] = cpp_extension.load_inline(
                name=f"gradekit_q10_lrn_{digest}", cpp_sources=[HEADERS, LINE_DIRECTIVE, source], functions=FUNCTIONS,
                extra_cflags=CFLAGS, extra_ldflags=LDFLAGS, no_implicit_headers=True, verbose=verbose)
        except RuntimeError as exc:
            raise RuntimeError(compiler_errors(str(exc))) from None
    return _built[digest]


def compiler_errors(log, lines=12):
    """The part of a failed build's log worth reading: the first error first, then the lines around it.

    Inputs:
    - log: str, the text of load_inline's exception (ninja's and the compiler's output)
    - lines: int, how many lines of the log to keep from the first error on

    Returns:
    - str, 'lrn_source() did not compile: <first error>' and the trimmed log below it
    """
    rows = log.splitlines()
    first = next((i for i, row in enumerate(rows) if "error" in row and ":" in row and "Error building" not in row), None)
    if first is None:
        return f"lrn_source() did not compile: {log.strip()[:2000]}"
    return "\n".join([f"lrn_source() did not compile: {rows[first].strip()}"] + rows[first + 1:first + lines])


def lrn(x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    """AlexNet's local response normalization across channels, by your compiled lrn_forward.

    Inputs:
    - x: torch.Tensor of shape (N, C, H, W), float32 or float64, on the CPU, contiguous or not
    - size: int, the window's channel count n, odd
    - alpha, beta, k: floats, AlexNet's constants by default (1e-4, 0.75, 2); alpha is not divided by size

    Returns:
    - torch.Tensor of shape (N, C, H, W), dtype of x
    """
    ### BEGIN SOLUTION
    # The kernel reads memory in NCHW order; .contiguous() copies only when x is laid out otherwise.
    return build().lrn_forward(x.contiguous(), int(size), float(alpha), float(beta), float(k))
    ### END SOLUTION


def lrn_backward(dout, x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    """The gradient of sum(dout * lrn(x, ...)) with respect to x, by your compiled lrn_backward.

    Inputs:
    - dout: torch.Tensor of shape (N, C, H, W), the upstream gradient, dtype of x
    - x: torch.Tensor of shape (N, C, H, W), float32 or float64, the forward pass's input
    - size, alpha, beta, k: as in lrn

    Returns:
    - dx: torch.Tensor of shape (N, C, H, W), dtype of x
    """
    ### BEGIN SOLUTION
    return build().lrn_backward(dout.contiguous(), x.contiguous(), int(size), float(alpha), float(beta), float(k))
    ### END SOLUTION
