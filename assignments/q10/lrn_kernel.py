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
    raise NotImplementedError("q10.1 not implemented yet: lrn_source")


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
    raise NotImplementedError("q10.2 not implemented yet: lrn")


def lrn_backward(dout, x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    """The gradient of sum(dout * lrn(x, ...)) with respect to x, by your compiled lrn_backward.

    Inputs:
    - dout: torch.Tensor of shape (N, C, H, W), the upstream gradient, dtype of x
    - x: torch.Tensor of shape (N, C, H, W), float32 or float64, the forward pass's input
    - size, alpha, beta, k: as in lrn

    Returns:
    - dx: torch.Tensor of shape (N, C, H, W), dtype of x
    """
    raise NotImplementedError("q10.5 not implemented yet: lrn_backward")
