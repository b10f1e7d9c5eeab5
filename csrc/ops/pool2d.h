// max/min/avg pool2d: sizes and argument checks shared by the CPU and CUDA kernels.
// Semantics are torch's (ceil_mode=False, avg pool counts padding, as torch's defaults do);
// min pool is max pool with the comparison reversed.
#pragma once

#include <ATen/core/Tensor.h>

#include "host_device.h"

namespace gradekit {

struct Pool2dShape {
  int64_t batch, channels, in_h, in_w;
  int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
  int64_t out_h, out_w;

  GRADEKIT_HOST_DEVICE int64_t planes() const { return batch * channels; }
};

// Checks hyper-parameters against input sizes (N, C, H, W) as torch does (kernel and stride
// >= 1, padding at most half the kernel, a non-empty output). `op` prefixes every message.
Pool2dShape pool2d_shape(const char* op, at::IntArrayRef x_sizes, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding);

// Forward entry: x is a 4-D float tensor.
Pool2dShape check_pool2d(const char* op, const at::Tensor& x, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding);

// Backward entry: grad_out matches the forward output of an input with sizes x_sizes.
Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out,
                                  at::IntArrayRef x_sizes, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding);

// Backward entry of avg pool, which knows x only by its height and width.
Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out, int64_t height,
                                  int64_t width, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding);

// Backward entry of max and min pool, which also read the forward input x.
Pool2dShape check_pool2d_backward(const char* op, const at::Tensor& grad_out,
                                  const at::Tensor& x, at::IntArrayRef kernel_size,
                                  at::IntArrayRef stride, at::IntArrayRef padding);

}  // namespace gradekit
