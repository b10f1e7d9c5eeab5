// lrn schemas and the checks every backend runs before computing anything.
#include "lrn.h"

#include <torch/library.h>

#include "checks.h"

namespace gradekit {

LrnParams check_lrn(const char* op, const at::Tensor& x, int64_t size, double alpha,
                    double beta, double k, std::string_view convention) {
  check_nchw_float(op, "x", x);
  TORCH_CHECK(size >= 1, op, ": size must be >= 1, got size=", size);
  const bool alexnet = convention == "alexnet";
  TORCH_CHECK(alexnet || convention == "torch", op,
              ": convention must be 'alexnet' or 'torch', got convention='", convention, "'");
  TORCH_CHECK(!alexnet || size % 2 == 1, op,
              ": size must be odd with convention='alexnet' (the window is centred on the "
              "channel), got size=", size, "; convention='torch' accepts even sizes as torch does");
  if (alexnet) return {size / 2, size / 2, alpha, beta, k};
  return {size / 2, (size - 1) / 2, alpha / static_cast<double>(size), beta, k};
}

LrnParams check_lrn_backward(const at::Tensor& grad_out, const at::Tensor& x, int64_t size,
                             double alpha, double beta, double k, std::string_view convention) {
  constexpr const char* op = "lrn_backward";
  const auto params = check_lrn(op, x, size, alpha, beta, k, convention);
  check_nchw_float(op, "grad_out", grad_out);
  check_same_dtype_device(op, "grad_out", grad_out, "x", x);
  check_shape(op, "grad_out", grad_out, x.sizes());
  return params;
}

TORCH_LIBRARY_FRAGMENT(gradekit, m) {
  m.def("lrn(Tensor x, int size, float alpha, float beta, float k, str convention) -> Tensor");
  m.def("lrn_backward(Tensor grad_out, Tensor x, int size, float alpha, float beta, float k, "
        "str convention) -> Tensor");
}

}  // namespace gradekit
