// conv2d on CUDA: im2col over a chunk of images into one column matrix, then one cuBLAS product
// per group (at::mm) for the whole chunk; col2im gathers (one thread per input pixel, no
// atomics) for the input gradient.
//
// Column matrix of a chunk of B images: row (c * kH + ki) * kW + kj for every input channel c
// (group g owns a contiguous block of rows), column b * OH * OW + oh * OW + ow.
#include <ATen/Dispatch.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/mm.h>
#include <ATen/ops/sum.h>
#include <ATen/ops/zeros.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "../conv2d.h"
#include "launch.cuh"

namespace gradekit::cuda {

namespace {

// Column matrices are capped at this many elements (256 MB in float32); the batch is split
// into chunks of images that fit.
constexpr int64_t kColElements = int64_t(1) << 26;

template <typename T>
__global__ void im2col_kernel(const T* x, T* col, Conv2dShape s, int64_t n0, int64_t images) {
  const int64_t cols = images * s.out_plane();
  const int64_t total = s.in_channels * s.kernel_h * s.kernel_w * cols;
  GRADEKIT_CUDA_LOOP(i, total) {
    const int64_t j = i % cols, row = i / cols;
    const int64_t kj = row % s.kernel_w, ki = (row / s.kernel_w) % s.kernel_h;
    const int64_t c = row / (s.kernel_w * s.kernel_h);
    const int64_t ow = j % s.out_w, oh = (j / s.out_w) % s.out_h, b = j / s.out_plane();
    const int64_t ih = oh * s.stride_h - s.pad_top + ki * s.dilation_h;
    const int64_t iw = ow * s.stride_w - s.pad_left + kj * s.dilation_w;
    const bool inside = ih >= 0 && ih < s.in_h && iw >= 0 && iw < s.in_w;
    col[i] = inside ? x[(((n0 + b) * s.in_channels + c) * s.in_h + ih) * s.in_w + iw] : T(0);
  }
}

// The kernel taps (k) and output positions (o) of one dimension that read input position i:
// i = o * stride - pad + k * dilation.
__device__ __forceinline__ bool output_of(int64_t i, int64_t k, int64_t pad, int64_t dilation,
                                          int64_t stride, int64_t out, int64_t& o) {
  const int64_t num = i + pad - k * dilation;
  if (num < 0 || num % stride != 0) return false;
  o = num / stride;
  return o < out;
}

template <typename T>
__global__ void col2im_kernel(const T* col, T* gx, Conv2dShape s, int64_t n0, int64_t images) {
  const int64_t cols = images * s.out_plane();
  const int64_t total = images * s.in_channels * s.in_h * s.in_w;
  GRADEKIT_CUDA_LOOP(i, total) {
    const int64_t iw = i % s.in_w, ih = (i / s.in_w) % s.in_h;
    const int64_t c = (i / (s.in_w * s.in_h)) % s.in_channels;
    const int64_t b = i / (s.in_w * s.in_h * s.in_channels);
    T sum = 0;
    for (int64_t ki = 0; ki < s.kernel_h; ++ki) {
      int64_t oh;
      if (!output_of(ih, ki, s.pad_top, s.dilation_h, s.stride_h, s.out_h, oh)) continue;
      for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
        int64_t ow;
        if (!output_of(iw, kj, s.pad_left, s.dilation_w, s.stride_w, s.out_w, ow)) continue;
        const int64_t row = (c * s.kernel_h + ki) * s.kernel_w + kj;
        sum += col[row * cols + b * s.out_plane() + oh * s.out_w + ow];
      }
    }
    gx[n0 * s.in_channels * s.in_h * s.in_w + i] = sum;
  }
}

int64_t chunk_images(const Conv2dShape& s) {
  const int64_t per_image = std::max<int64_t>(1, s.in_channels * s.kernel_h * s.kernel_w * s.out_plane());
  return std::clamp<int64_t>(kColElements / per_image, 1, std::max<int64_t>(1, s.batch));
}

// Rows of group g of a chunk's column matrix, [K, images * OH * OW].
at::Tensor group_cols(const at::Tensor& col, const Conv2dShape& s, int64_t g, int64_t images) {
  const int64_t k = s.col_rows();
  return col.narrow(0, 0, s.groups * k * images * s.out_plane())
      .view({s.groups * k, images * s.out_plane()})
      .narrow(0, g * k, k);
}

// Output-shaped tensor t's images [n0, n0 + images), channels of group g: [images, C_g, OH*OW].
at::Tensor group_images(const at::Tensor& t, const Conv2dShape& s, int64_t g, int64_t n0,
                        int64_t images) {
  const int64_t og = s.out_channels_per_group();
  return t.narrow(0, n0, images).view({images, s.groups, og, s.out_plane()}).select(1, g);
}

template <typename T>
void fill_cols(const at::Tensor& x, at::Tensor& col, const Conv2dShape& s, int64_t n0,
               int64_t images) {
  const int64_t total = s.in_channels * s.kernel_h * s.kernel_w * images * s.out_plane();
  im2col_kernel<T><<<blocks_for(total), kThreads, 0, stream()>>>(
      x.const_data_ptr<T>(), col.data_ptr<T>(), s, n0, images);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

at::Tensor conv2d_kernel(const at::Tensor& x_in, const at::Tensor& w_in,
                         const std::optional<at::Tensor>& b, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  const auto s = check_conv2d(x_in, w_in, b, stride, padding, dilation, groups);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const at::AutoDispatchBelowADInplaceOrView below_autograd;  // autograd is already handled
  const auto x = x_in.contiguous();
  const auto w = w_in.contiguous().view({s.groups, s.out_channels_per_group(), s.col_rows()});
  auto out = at::empty({s.batch, s.out_channels, s.out_h, s.out_w}, x.options());
  const int64_t chunk = chunk_images(s);
  auto col = at::empty({s.groups * s.col_rows() * chunk * s.out_plane()}, x.options());
  for (int64_t n0 = 0; n0 < s.batch; n0 += chunk) {
    const int64_t images = std::min(chunk, s.batch - n0);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "conv2d_cuda", [&] { fill_cols<scalar_t>(x, col, s, n0, images); });
    for (int64_t g = 0; g < s.groups; ++g) {
      const auto res = at::mm(w.select(0, g), group_cols(col, s, g, images));  // [C_g, images*OH*OW]
      group_images(out, s, g, n0, images)
          .copy_(res.view({s.out_channels_per_group(), images, s.out_plane()}).transpose(0, 1));
    }
  }
  if (b.has_value() && b->defined()) out.add_(b->view({1, s.out_channels, 1, 1}));
  return out;
}

at::Tensor conv2d_backward_input_kernel(const at::Tensor& grad_out_in, const at::Tensor& w_in,
                                        int64_t height, int64_t width, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation,
                                        int64_t groups) {
  const auto s = check_conv2d_backward_input(grad_out_in, w_in, height, width, stride, padding,
                                             dilation, groups);
  const c10::cuda::CUDAGuard guard(grad_out_in.device());
  const at::AutoDispatchBelowADInplaceOrView below_autograd;
  const auto grad_out = grad_out_in.contiguous();
  const auto w = w_in.contiguous().view({s.groups, s.out_channels_per_group(), s.col_rows()});
  auto grad_x = at::empty({s.batch, s.in_channels, s.in_h, s.in_w}, grad_out.options());
  const int64_t chunk = chunk_images(s);
  auto col = at::empty({s.groups * s.col_rows() * chunk * s.out_plane()}, grad_out.options());
  for (int64_t n0 = 0; n0 < s.batch; n0 += chunk) {
    const int64_t images = std::min(chunk, s.batch - n0);
    for (int64_t g = 0; g < s.groups; ++g) {
      const auto go = group_images(grad_out, s, g, n0, images).transpose(0, 1)
                          .reshape({s.out_channels_per_group(), images * s.out_plane()});
      auto cols = group_cols(col, s, g, images);
      at::mm_out(cols, w.select(0, g).t(), go);
    }
    const int64_t total = images * s.in_channels * s.in_h * s.in_w;
    AT_DISPATCH_FLOATING_TYPES(grad_out.scalar_type(), "conv2d_backward_input_cuda", [&] {
      col2im_kernel<scalar_t><<<blocks_for(total), kThreads, 0, stream()>>>(
          col.const_data_ptr<scalar_t>(), grad_x.data_ptr<scalar_t>(), s, n0, images);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
  }
  return grad_x;
}

std::tuple<at::Tensor, at::Tensor> conv2d_backward_weight_kernel(
    const at::Tensor& grad_out_in, const at::Tensor& x_in, int64_t kernel_h, int64_t kernel_w,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  const auto s = check_conv2d_backward_weight(grad_out_in, x_in, kernel_h, kernel_w, stride,
                                              padding, dilation, groups);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const at::AutoDispatchBelowADInplaceOrView below_autograd;
  const auto grad_out = grad_out_in.contiguous();
  const auto x = x_in.contiguous();
  auto grad_w = at::zeros({s.out_channels, s.in_channels_per_group(), s.kernel_h, s.kernel_w},
                          x.options());
  auto gw = grad_w.view({s.groups, s.out_channels_per_group(), s.col_rows()});
  const int64_t chunk = chunk_images(s);
  auto col = at::empty({s.groups * s.col_rows() * chunk * s.out_plane()}, x.options());
  for (int64_t n0 = 0; n0 < s.batch; n0 += chunk) {
    const int64_t images = std::min(chunk, s.batch - n0);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "conv2d_backward_weight_cuda", [&] { fill_cols<scalar_t>(x, col, s, n0, images); });
    for (int64_t g = 0; g < s.groups; ++g) {
      const auto go = group_images(grad_out, s, g, n0, images).transpose(0, 1)
                          .reshape({s.out_channels_per_group(), images * s.out_plane()});
      gw.select(0, g).addmm_(go, group_cols(col, s, g, images).t());
    }
  }
  auto grad_b = grad_out.sum(at::IntArrayRef{0, 2, 3});
  return {grad_w, grad_b};
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CUDA, m) {
  m.impl("conv2d", &conv2d_kernel);
  m.impl("conv2d_backward_input", &conv2d_backward_input_kernel);
  m.impl("conv2d_backward_weight", &conv2d_backward_weight_kernel);
}

}  // namespace gradekit::cuda
