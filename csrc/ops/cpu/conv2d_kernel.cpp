// conv2d on the CPU.
//
// Forward: a direct kernel (conv2d_direct.h) for ungrouped layers; BLAS alone for pointwise and
// fully connected ones; im2col bands + BLAS for grouped ones. Backward: im2col over bands
// (conv2d_bands.h), then one BLAS matrix product per band (at::mm, i.e. MKL/OpenBLAS
// sgemm/dgemm), as Caffe did, and col2im for the input gradient. Bands are split across
// threads when there are enough of them, each thread running a single-threaded product;
// otherwise they run one after another with im2col split by channel and BLAS on every thread.
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/zeros.h>
#include <torch/library.h>

#include <mutex>
#include <vector>

#include "../conv2d.h"
#include "conv2d_bands.h"
#include "conv2d_direct.h"
#include "gemm.h"
#include "im2col.h"

namespace gradekit::cpu {

namespace {

// Runs body(begin, end, band_buffer, threads_inside) over chunks of [0, units): chunks on
// separate threads when there are enough units to keep every thread busy, else the whole range
// on this thread with the body free to use threads inside (threads_inside).
template <typename T, typename Body>
void for_each_chunk(int64_t units, const BandPlan& plan, const at::TensorOptions& opts,
                    const Body& body) {
  if (plan.threaded && units >= at::get_num_threads()) {
    at::parallel_for(0, units, 1, [&](int64_t begin, int64_t end) {
      auto buffer = at::empty({plan.band_elements()}, opts);
      body(begin, end, buffer.data_ptr<T>(), false);
    });
  } else {
    auto buffer = at::empty({plan.band_elements()}, opts);
    body(0, units, buffer.data_ptr<T>(), plan.threaded);
  }
}

// m[r][j] += values[r] for a rows x cols matrix with leading dimension ld.
template <typename T>
GRADEKIT_CPU_CLONES void add_rows(T* m, int64_t rows, int64_t cols, int64_t ld, const T* values) {
  for (int64_t r = 0; r < rows; ++r) {
    T* row = m + r * ld;
    const T v = values[r];
    for (int64_t j = 0; j < cols; ++j) row[j] += v;
  }
}

// Offset of channel 0 of group g of image n in an NCHW buffer with `channels` channels.
int64_t group_offset(const Conv2dShape& s, int64_t channels, int64_t n, int64_t g) {
  return (n * channels + g * (channels / s.groups)) * s.in_h * s.in_w;
}

// A kernel that covers the whole unpadded input (LeNet-5's C5) is a fully connected layer: the
// NCHW tensors already are the matrices [N, K] (x), [C_out, K] (w) and [N, C_out] (out).
bool is_dense(const Conv2dShape& s) {
  return s.groups == 1 && s.out_h == 1 && s.out_w == 1 && s.kernel_h == s.in_h &&
         s.kernel_w == s.in_w && s.pad_top == 0 && s.pad_bottom == 0 && s.pad_left == 0 &&
         s.pad_right == 0;
}

// The forward pass reads the image directly (conv2d_direct.h) for one group; pointwise and fully
// connected layers are plain matrix products, which BLAS does better, and grouped ones go
// through im2col bands.
bool use_direct(const Conv2dShape& s) {
  return s.groups == 1 && !s.is_pointwise() && !is_dense(s);
}

// The [K, band columns] im2col matrix of band b: x itself for a pointwise kernel, else filled
// into `buffer` image by image (split by channel across threads when `threads_inside`).
template <typename T>
at::Tensor input_cols(const at::Tensor& x, const Conv2dShape& s, const Band& b,
                      bool threads_inside, T* buffer) {
  const int64_t cg = s.in_channels_per_group();
  if (s.is_pointwise()) return band_input(x, cg, b);
  const int64_t ld = b.cols(s), per_image = ld / b.images();
  at::parallel_for(0, cg, threads_inside ? 1 : cg, [&](int64_t c0, int64_t c1) {
    for (int64_t n = b.n_begin; n < b.n_end; ++n) {
      im2col(x.const_data_ptr<T>() + group_offset(s, s.in_channels, n, b.g), s, b.oh_begin,
             b.oh_end, c0, c1, buffer + (n - b.n_begin) * per_image, ld);
    }
  });
  return at::from_blob(buffer, {s.col_rows(), ld}, x.options());
}

template <typename T>
void forward(const at::Tensor& x, const at::Tensor& w, const std::optional<at::Tensor>& b,
             const Conv2dShape& s, at::Tensor& out) {
  const BandPlan plan(s);
  const int64_t og = s.out_channels_per_group();
  const auto w_groups = w.view({s.groups, og, s.col_rows()});
  const T* bias = b.has_value() && b->defined() ? b->const_data_ptr<T>() : nullptr;
  if (is_dense(s)) {
    auto out_m = out.view({s.batch, s.out_channels});
    gemm<T>(x.view({s.batch, s.col_rows()}), w.view({s.out_channels, s.col_rows()}).t(), out_m,
            false, !plan.threaded);
    if (bias != nullptr) out_m.add_(b->view({1, s.out_channels}));
    return;
  }
  if (use_direct(s)) {
    const DirectConv<T> direct(w.const_data_ptr<T>(), s);
    at::parallel_for(0, direct.items(), plan.threaded ? 1 : direct.items(),
                     [&](int64_t begin, int64_t end) {
                       direct.run(x.const_data_ptr<T>(), bias, begin, end, out.data_ptr<T>());
                     });
    return;
  }
  for_each_chunk<T>(plan.count, plan, x.options(),
                    [&](int64_t begin, int64_t end, T* buffer, bool inside) {
    for (int64_t i = begin; i < end; ++i) {
      const Band band = plan.at(i);
      auto out_m = band_output(out, og, band);
      gemm<T>(w_groups.select(0, band.g), input_cols(x, s, band, inside, buffer), out_m, false,
              !plan.threaded);
      if (bias != nullptr) {  // while the band is still in cache
        add_rows(out_m.data_ptr<T>(), og, band.cols(s), out_m.stride(0), bias + band.g * og);
      }
      store_band_output(out, og, band, out_m);
    }
  });
}

template <typename T>
void backward_input(const at::Tensor& grad_out, const at::Tensor& w, const Conv2dShape& s,
                    at::Tensor& grad_x) {
  const BandPlan plan(s);
  const int64_t og = s.out_channels_per_group(), cg = s.in_channels_per_group();
  const auto w_groups_t = w.view({s.groups, og, s.col_rows()}).transpose(1, 2);
  if (is_dense(s)) {
    auto gx = grad_x.view({s.batch, s.col_rows()});
    gemm<T>(grad_out.view({s.batch, s.out_channels}), w.view({s.out_channels, s.col_rows()}), gx,
            false, !plan.threaded);
    return;
  }
  // The row bands of one image and group add into overlapping input rows, so they stay on one
  // thread: the parallel unit is (image block, group) with all its row bands.
  for_each_chunk<T>(plan.count / plan.per_image, plan, grad_out.options(),
                    [&](int64_t begin, int64_t end, T* buffer, bool inside) {
    for (int64_t i = begin * plan.per_image; i < end * plan.per_image; ++i) {
      const Band band = plan.at(i);
      const auto go = band_input(grad_out, og, band);
      if (s.is_pointwise()) {
        auto gx = band_output(grad_x, cg, band);
        gemm<T>(w_groups_t.select(0, band.g), go, gx, false, !plan.threaded);
        store_band_output(grad_x, cg, band, gx);
        continue;
      }
      auto cols = at::from_blob(buffer, {s.col_rows(), band.cols(s)}, grad_out.options());
      gemm<T>(w_groups_t.select(0, band.g), go, cols, false, !plan.threaded);
      const int64_t per_image = band.cols(s) / band.images();
      at::parallel_for(0, cg, inside ? 1 : cg, [&](int64_t c0, int64_t c1) {
        for (int64_t n = band.n_begin; n < band.n_end; ++n) {
          col2im_add(buffer + (n - band.n_begin) * per_image, s, band.oh_begin, band.oh_end, c0,
                     c1, band.cols(s), grad_x.data_ptr<T>() + group_offset(s, s.in_channels, n, band.g));
        }
      });
    }
  });
}

template <typename T>
void backward_weight(const at::Tensor& grad_out, const at::Tensor& x, const Conv2dShape& s,
                     at::Tensor& grad_w) {
  const BandPlan plan(s);
  const int64_t og = s.out_channels_per_group();
  if (is_dense(s)) {
    auto gw = grad_w.view({s.out_channels, s.col_rows()});
    gemm<T>(grad_out.view({s.batch, s.out_channels}).t(), x.view({s.batch, s.col_rows()}), gw,
            false, !plan.threaded);
    return;
  }
  // Threads accumulate into private copies of grad_w, summed at the end.
  std::mutex mutex;
  std::vector<at::Tensor> partials;
  for_each_chunk<T>(plan.count, plan, x.options(),
                    [&](int64_t begin, int64_t end, T* buffer, bool inside) {
    auto acc = at::zeros({s.groups, og, s.col_rows()}, grad_w.options());
    for (int64_t i = begin; i < end; ++i) {
      const Band band = plan.at(i);
      const auto cols = input_cols(x, s, band, inside, buffer);
      auto acc_g = acc.select(0, band.g);
      gemm<T>(band_input(grad_out, og, band), cols.t(), acc_g, true, !plan.threaded);
    }
    std::lock_guard<std::mutex> lock(mutex);
    partials.push_back(acc);
  });
  auto gw = grad_w.view({s.groups, og, s.col_rows()});
  gw.zero_();
  for (const auto& p : partials) gw.add_(p);
}

// grad_b[o] = sum over images and pixels of grad_out[n][o], accumulated in double.
template <typename T>
void backward_bias(const at::Tensor& grad_out, at::Tensor& grad_b) {
  const int64_t n = grad_out.size(0), c = grad_out.size(1);
  const int64_t plane = grad_out.size(2) * grad_out.size(3);
  const T* go = grad_out.const_data_ptr<T>();
  T* gb = grad_b.data_ptr<T>();
  const int64_t grain = std::max<int64_t>(1, kParallelMacs / std::max<int64_t>(1, n * plane));
  at::parallel_for(0, c, grain, [&](int64_t c0, int64_t c1) {
    for (int64_t o = c0; o < c1; ++o) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        const T* p = go + (i * c + o) * plane;
#pragma omp simd reduction(+ : sum)
        for (int64_t j = 0; j < plane; ++j) sum += p[j];
      }
      gb[o] = static_cast<T>(sum);
    }
  });
}

at::Tensor conv2d_kernel(const at::Tensor& x_in, const at::Tensor& w_in,
                         const std::optional<at::Tensor>& b, at::IntArrayRef stride,
                         at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  const auto s = check_conv2d(x_in, w_in, b, stride, padding, dilation, groups);
  // Autograd is already handled; keep the ATen calls below (mm, views) from recording history.
  const at::AutoDispatchBelowADInplaceOrView below_autograd;
  const auto x = x_in.contiguous();
  const auto w = w_in.contiguous();
  std::optional<at::Tensor> bias;
  if (b.has_value() && b->defined()) bias = b->contiguous();
  auto out = at::empty({s.batch, s.out_channels, s.out_h, s.out_w}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "conv2d", [&] { forward<scalar_t>(x, w, bias, s, out); });
  return out;
}

at::Tensor conv2d_backward_input_kernel(const at::Tensor& grad_out_in, const at::Tensor& w_in,
                                        int64_t height, int64_t width, at::IntArrayRef stride,
                                        at::IntArrayRef padding, at::IntArrayRef dilation,
                                        int64_t groups) {
  const auto s = check_conv2d_backward_input(grad_out_in, w_in, height, width, stride, padding,
                                             dilation, groups);
  // Autograd is already handled; keep the ATen calls below (mm, views) from recording history.
  const at::AutoDispatchBelowADInplaceOrView below_autograd;
  const auto grad_out = grad_out_in.contiguous();
  const auto w = w_in.contiguous();
  auto grad_x = at::zeros({s.batch, s.in_channels, s.in_h, s.in_w}, grad_out.options());
  AT_DISPATCH_FLOATING_TYPES(grad_out.scalar_type(), "conv2d_backward_input",
                             [&] { backward_input<scalar_t>(grad_out, w, s, grad_x); });
  return grad_x;
}

std::tuple<at::Tensor, at::Tensor> conv2d_backward_weight_kernel(
    const at::Tensor& grad_out_in, const at::Tensor& x_in, int64_t kernel_h, int64_t kernel_w,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  const auto s = check_conv2d_backward_weight(grad_out_in, x_in, kernel_h, kernel_w, stride,
                                              padding, dilation, groups);
  // Autograd is already handled; keep the ATen calls below (mm, views) from recording history.
  const at::AutoDispatchBelowADInplaceOrView below_autograd;
  const auto grad_out = grad_out_in.contiguous();
  const auto x = x_in.contiguous();
  auto grad_w = at::empty({s.out_channels, s.in_channels_per_group(), s.kernel_h, s.kernel_w},
                          x.options());
  auto grad_b = at::empty({s.out_channels}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "conv2d_backward_weight", [&] {
    backward_weight<scalar_t>(grad_out, x, s, grad_w);
    backward_bias<scalar_t>(grad_out, grad_b);
  });
  return {grad_w, grad_b};
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CPU, m) {
  m.impl("conv2d", &conv2d_kernel);
  m.impl("conv2d_backward_input", &conv2d_backward_input_kernel);
  m.impl("conv2d_backward_weight", &conv2d_backward_weight_kernel);
}

}  // namespace gradekit::cpu
