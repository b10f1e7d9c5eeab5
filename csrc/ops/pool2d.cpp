// pool2d schemas and the checks every backend runs before computing anything.
#include "pool2d.h"

#include <torch/library.h>

#include "checks.h"

namespace gradekit {

Pool2dShape pool2d_shape(const char* op, at::IntArrayRef x_sizes, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding) {
  check_length(op, "kernel_size", kernel_size, 2);
  check_length(op, "stride", stride, 2);
  check_length(op, "padding", padding, 2);
  check_all_at_least(op, "kernel_size", kernel_size, 1);
  check_all_at_least(op, "stride", stride, 1);
  check_all_at_least(op, "padding", padding, 0);
  for (int i = 0; i < 2; ++i) {
    TORCH_CHECK(2 * padding[i] <= kernel_size[i], op,
                ": padding must be at most half of kernel_size, got padding=",
                tuple_str(padding), " and kernel_size=", tuple_str(kernel_size));
  }
  Pool2dShape s{};
  s.batch = x_sizes[0];
  s.channels = x_sizes[1];
  s.in_h = x_sizes[2];
  s.in_w = x_sizes[3];
  s.kernel_h = kernel_size[0];
  s.kernel_w = kernel_size[1];
  s.stride_h = stride[0];
  s.stride_w = stride[1];
  s.pad_h = padding[0];
  s.pad_w = padding[1];
  s.out_h = (s.in_h + 2 * s.pad_h - s.kernel_h) / s.stride_h + 1;
  s.out_w = (s.in_w + 2 * s.pad_w - s.kernel_w) / s.stride_w + 1;
  TORCH_CHECK(s.in_h + 2 * s.pad_h >= s.kernel_h && s.in_w + 2 * s.pad_w >= s.kernel_w, op,
              ": kernel_size=", tuple_str(kernel_size), " is larger than the padded input (x ",
              s.in_h, "x", s.in_w, " with padding=", tuple_str(padding), ")");
  return s;
}

Pool2dShape check_pool2d(const char* op, const at::Tensor& x, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding) {
  check_nchw_float(op, "x", x);
  return pool2d_shape(op, x.sizes(), kernel_size, stride, padding);
}

Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out,
                                  at::IntArrayRef x_sizes, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding) {
  check_nchw_float(op, "grad_out", grad_out);
  auto s = pool2d_shape(op, x_sizes, kernel_size, stride, padding);
  check_shape(op, "grad_out", grad_out, {s.batch, s.channels, s.out_h, s.out_w});
  return s;
}

Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out,
                                  const at::Tensor& x, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding) {
  check_nchw_float(op, "x", x);
  check_nchw_float(op, "grad_out", grad_out);
  check_same_dtype_device(op, "grad_out", grad_out, "x", x);
  return check_pool2d_backward(op, grad_out, x.sizes(), kernel_size, stride, padding);
}

Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out, int64_t height,
                                  int64_t width, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding) {
  check_nchw_float(op, "grad_out", grad_out);
  const int64_t x_sizes[] = {grad_out.size(0), grad_out.size(1), height, width};
  return check_pool2d_backward(op, grad_out, x_sizes, kernel_size, stride, padding);
}

// Max and min pool recompute the window's pick in backward instead of storing indices: the
// forward pass then writes only its output, and backward reads x, which autograd keeps anyway.
TORCH_LIBRARY_FRAGMENT(gradekit, m) {
  m.def("max_pool2d(Tensor x, int[2] kernel_size, int[2] stride, int[2] padding) -> Tensor");
  m.def("max_pool2d_backward(Tensor grad_out, Tensor x, int[2] kernel_size, int[2] stride, "
        "int[2] padding) -> Tensor");
  m.def("min_pool2d(Tensor x, int[2] kernel_size, int[2] stride, int[2] padding) -> Tensor");
  m.def("min_pool2d_backward(Tensor grad_out, Tensor x, int[2] kernel_size, int[2] stride, "
        "int[2] padding) -> Tensor");
  m.def("avg_pool2d(Tensor x, int[2] kernel_size, int[2] stride, int[2] padding) -> Tensor");
  m.def("avg_pool2d_backward(Tensor grad_out, SymInt height, SymInt width, int[2] kernel_size, "
        "int[2] stride, int[2] padding) -> Tensor");
}

}  // namespace gradekit
