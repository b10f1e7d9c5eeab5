// conv2d schemas and the checks every backend runs before computing anything.
#include "conv2d.h"

#include <torch/library.h>

#include <algorithm>

#include "checks.h"

namespace gradekit {

namespace {

int64_t conv_out_size(int64_t in, int64_t pad_before, int64_t pad_after, int64_t kernel,
                      int64_t dilation, int64_t stride) {
  return (in + pad_before + pad_after - dilation * (kernel - 1) - 1) / stride + 1;
}

void check_kernel_fits(const char* op, const char* dim, int64_t in, int64_t pad_before,
                       int64_t pad_after, int64_t kernel, int64_t dilation) {
  const int64_t effective = dilation * (kernel - 1) + 1;
  TORCH_CHECK(effective <= in + pad_before + pad_after, op, ": the kernel ", dim, " ", kernel,
              " (", effective, " with dilation=", dilation, ") is larger than the padded input ",
              dim, " ", in + pad_before + pad_after, " (x ", dim, " ", in, " + padding ",
              pad_before, " + ", pad_after, ")");
}

}  // namespace

Conv2dShape conv2d_shape(const char* op, at::IntArrayRef x_sizes, at::IntArrayRef w_sizes,
                         at::IntArrayRef stride, at::IntArrayRef padding,
                         at::IntArrayRef dilation, int64_t groups) {
  check_length(op, "stride", stride, 2);
  check_length(op, "padding", padding, 4);
  check_length(op, "dilation", dilation, 2);
  check_all_at_least(op, "stride", stride, 1);
  check_all_at_least(op, "dilation", dilation, 1);
  TORCH_CHECK(*std::min_element(padding.begin(), padding.end()) >= 0, op,
              ": padding must be >= 0, got padding=(top, bottom, left, right)=", tuple_str(padding));
  TORCH_CHECK(groups >= 1, op, ": groups must be >= 1, got groups=", groups);
  TORCH_CHECK(w_sizes[0] >= 1 && w_sizes[2] >= 1 && w_sizes[3] >= 1, op,
              ": w must have at least one output channel and a kernel of at least 1x1, got "
              "w.shape=", tuple_str(w_sizes));
  TORCH_CHECK(x_sizes[1] % groups == 0, op, ": groups=", groups,
              " must divide the input channels, got x.shape[1]=", x_sizes[1]);
  TORCH_CHECK(w_sizes[0] % groups == 0, op, ": groups=", groups,
              " must divide the output channels, got w.shape[0]=", w_sizes[0]);
  TORCH_CHECK(x_sizes[1] == w_sizes[1] * groups, op, ": x has ", x_sizes[1],
              " channels (x.shape[1]) but w expects w.shape[1] * groups = ", w_sizes[1], " * ",
              groups, " = ", w_sizes[1] * groups);

  Conv2dShape s{};
  s.batch = x_sizes[0];
  s.in_channels = x_sizes[1];
  s.in_h = x_sizes[2];
  s.in_w = x_sizes[3];
  s.out_channels = w_sizes[0];
  s.kernel_h = w_sizes[2];
  s.kernel_w = w_sizes[3];
  s.groups = groups;
  s.stride_h = stride[0];
  s.stride_w = stride[1];
  s.dilation_h = dilation[0];
  s.dilation_w = dilation[1];
  s.pad_top = padding[0];
  s.pad_bottom = padding[1];
  s.pad_left = padding[2];
  s.pad_right = padding[3];
  check_kernel_fits(op, "height", s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.dilation_h);
  check_kernel_fits(op, "width", s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.dilation_w);
  s.out_h = conv_out_size(s.in_h, s.pad_top, s.pad_bottom, s.kernel_h, s.dilation_h, s.stride_h);
  s.out_w = conv_out_size(s.in_w, s.pad_left, s.pad_right, s.kernel_w, s.dilation_w, s.stride_w);
  return s;
}

Conv2dShape check_conv2d(const at::Tensor& x, const at::Tensor& w,
                         const std::optional<at::Tensor>& b, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  constexpr const char* op = "conv2d";
  check_nchw_float(op, "x", x);
  check_nchw_float(op, "w", w);
  check_same_dtype_device(op, "w", w, "x", x);
  if (b.has_value() && b->defined()) {
    TORCH_CHECK(b->dim() == 1 && b->size(0) == w.size(0), op,
                ": b must be a 1-D tensor with one value per output channel (w.shape[0]=",
                w.size(0), "), got b.shape=", tuple_str(b->sizes()));
    check_same_dtype_device(op, "b", *b, "x", x);
  }
  return conv2d_shape(op, x.sizes(), w.sizes(), stride, padding, dilation, groups);
}

Conv2dShape check_conv2d_backward_input(const at::Tensor& grad_out, const at::Tensor& w,
                                        int64_t height, int64_t width, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation,
                                        int64_t groups) {
  constexpr const char* op = "conv2d_backward_input";
  check_nchw_float(op, "grad_out", grad_out);
  check_nchw_float(op, "w", w);
  check_same_dtype_device(op, "w", w, "grad_out", grad_out);
  const int64_t x_sizes[] = {grad_out.size(0), w.size(1) * groups, height, width};
  auto s = conv2d_shape(op, x_sizes, w.sizes(), stride, padding, dilation, groups);
  check_shape(op, "grad_out", grad_out, {s.batch, s.out_channels, s.out_h, s.out_w});
  return s;
}

Conv2dShape check_conv2d_backward_weight(const at::Tensor& grad_out, const at::Tensor& x,
                                         int64_t kernel_h, int64_t kernel_w,
                                         at::IntArrayRef stride, at::IntArrayRef padding,
                                         at::IntArrayRef dilation, int64_t groups) {
  constexpr const char* op = "conv2d_backward_weight";
  check_nchw_float(op, "grad_out", grad_out);
  check_nchw_float(op, "x", x);
  check_same_dtype_device(op, "x", x, "grad_out", grad_out);
  TORCH_CHECK(groups >= 1, op, ": groups must be >= 1, got groups=", groups);
  const int64_t w_sizes[] = {grad_out.size(1), x.size(1) / groups, kernel_h, kernel_w};
  auto s = conv2d_shape(op, x.sizes(), w_sizes, stride, padding, dilation, groups);
  check_shape(op, "grad_out", grad_out, {s.batch, s.out_channels, s.out_h, s.out_w});
  return s;
}

// padding is (top, bottom, left, right). The backward ops take the sizes they cannot infer
// from their tensors (the input's height/width, the kernel's) as SymInts so that they trace
// under torch.compile with dynamic shapes.
TORCH_LIBRARY_FRAGMENT(gradekit, m) {
  m.def("conv2d(Tensor x, Tensor w, Tensor? b, int[2] stride, int[4] padding, int[2] dilation, "
        "int groups) -> Tensor");
  m.def("conv2d_backward_input(Tensor grad_out, Tensor w, SymInt height, SymInt width, "
        "int[2] stride, int[4] padding, int[2] dilation, int groups) -> Tensor");
  m.def("conv2d_backward_weight(Tensor grad_out, Tensor x, SymInt kernel_height, "
        "SymInt kernel_width, int[2] stride, int[4] padding, int[2] dilation, int groups) "
        "-> (Tensor grad_w, Tensor grad_b)");
}

}  // namespace gradekit
