// conv2d: sizes and argument checks shared by the CPU and CUDA kernels.
//
// padding is (top, bottom, left, right) so that TensorFlow's SAME padding, which puts the odd
// pixel at the bottom/right, needs no extra copy of the input.
#pragma once

#include <ATen/core/Tensor.h>

#include "host_device.h"

namespace gradekit {

struct Conv2dShape {
  int64_t batch, in_channels, in_h, in_w;
  int64_t out_channels, kernel_h, kernel_w, groups;
  int64_t stride_h, stride_w, dilation_h, dilation_w;
  int64_t pad_top, pad_bottom, pad_left, pad_right;
  int64_t out_h, out_w;

  GRADEKIT_HOST_DEVICE int64_t in_channels_per_group() const { return in_channels / groups; }
  GRADEKIT_HOST_DEVICE int64_t out_channels_per_group() const { return out_channels / groups; }
  // Rows of the im2col matrix: one per (input channel of a group, kernel row, kernel column).
  GRADEKIT_HOST_DEVICE int64_t col_rows() const { return in_channels_per_group() * kernel_h * kernel_w; }
  GRADEKIT_HOST_DEVICE int64_t out_plane() const { return out_h * out_w; }
  // A 1x1 kernel with unit stride and no padding reads the input as its own im2col matrix.
  GRADEKIT_HOST_DEVICE bool is_pointwise() const {
    return kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 &&
           pad_bottom == 0 && pad_left == 0 && pad_right == 0;
  }
};

// Checks the hyper-parameters against input sizes (N, C, H, W) and weight sizes
// (C_out, C_in / groups, kH, kW) and derives the output size. `op` prefixes every message.
Conv2dShape conv2d_shape(const char* op, at::IntArrayRef x_sizes, at::IntArrayRef w_sizes,
                         at::IntArrayRef stride, at::IntArrayRef padding,
                         at::IntArrayRef dilation, int64_t groups);

// Tensor checks (rank, dtype, device, bias length) and sizes of each entry point.
Conv2dShape check_conv2d(const at::Tensor& x, const at::Tensor& w,
                         const std::optional<at::Tensor>& b, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups);
Conv2dShape check_conv2d_backward_input(const at::Tensor& grad_out, const at::Tensor& w,
                                        int64_t height, int64_t width, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation,
                                        int64_t groups);
Conv2dShape check_conv2d_backward_weight(const at::Tensor& grad_out, const at::Tensor& x,
                                         int64_t kernel_h, int64_t kernel_w,
                                         at::IntArrayRef stride, at::IntArrayRef padding,
                                         at::IntArrayRef dilation, int64_t groups);

}  // namespace gradekit
