// conv2d on the CPU: im2col over bands of output rows, then one BLAS matrix product per band
// (at::mm, i.e. MKL/OpenBLAS sgemm/dgemm), as Caffe did. Work is split across threads by
// (image, group, band) when there are enough of those, each thread running a single-threaded
// product; otherwise the bands run one after another with im2col split by channel and BLAS
// using every thread.
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
#include "gemm.h"
#include "im2col.h"

namespace gradekit::cpu {

namespace {

// Elements of one im2col band: 1M keeps a thread's band (4 MB in float32) in the last-level
// cache next to the other thread's while BLAS reads it.
constexpr int64_t kBandElements = int64_t(1) << 20;

// Below this many multiply-adds a pass runs on the calling thread: waking the other threads
// would cost more than it saves (and far more on a busy machine).
constexpr int64_t kParallelMacs = int64_t(1) << 20;

// The work of one pass: batch x groups x bands of output rows.
struct Bands {
  int64_t rows;    // output rows per band
  int64_t count;   // bands per image and group
  int64_t items;   // batch * groups * count
  bool threaded;   // whether the pass is worth running on several threads

  Bands(const Conv2dShape& s) {
    const int64_t per_row = std::max<int64_t>(1, s.col_rows() * s.out_w);
    rows = std::clamp<int64_t>(kBandElements / per_row, 1, s.out_h);
    count = (s.out_h + rows - 1) / rows;
    items = s.batch * s.groups * count;
    threaded = s.batch * s.out_channels * s.out_plane() * s.col_rows() >= kParallelMacs;
  }
};

struct Item {
  int64_t n, g, oh_begin, oh_end;
  int64_t cols(const Conv2dShape& s) const { return (oh_end - oh_begin) * s.out_w; }
};

Item item_at(const Conv2dShape& s, const Bands& bands, int64_t i) {
  const int64_t band = i % bands.count;
  const int64_t ng = i / bands.count;
  const int64_t oh_begin = band * bands.rows;
  return {ng / s.groups, ng % s.groups, oh_begin, std::min(oh_begin + bands.rows, s.out_h)};
}

// [C, H, W]-shaped tensor t of image n, viewed as the [channels of group g, pixels of the band]
// matrix: rows of the NCHW layout that BLAS can read or write in place (leading dimension H*W).
at::Tensor group_band(const at::Tensor& t, int64_t channels_per_group, const Item& it,
                      int64_t width) {
  const int64_t plane = t.size(2) * t.size(3);
  return t.select(0, it.n)
      .view({t.size(1), plane})
      .narrow(0, it.g * channels_per_group, channels_per_group)
      .narrow(1, it.oh_begin * width, (it.oh_end - it.oh_begin) * width);
}

// Runs body(begin, end, band_buffer, threads_inside) over chunks of [0, units): chunks on
// separate threads when there are enough units to keep every thread busy, else the whole range
// on this thread with the body free to use threads inside (threads_inside).
template <typename T, typename Body>
void for_each_chunk(int64_t units, bool threaded, int64_t band_elements,
                    const at::TensorOptions& opts, const Body& body) {
  if (threaded && units >= at::get_num_threads()) {
    at::parallel_for(0, units, 1, [&](int64_t begin, int64_t end) {
      auto band = at::empty({band_elements}, opts);
      body(begin, end, band.data_ptr<T>(), false);
    });
  } else {
    auto band = at::empty({band_elements}, opts);
    body(0, units, band.data_ptr<T>(), threaded);
  }
}

// Fills the im2col band of item `it`, split by channel across threads when `threads_inside`.
template <typename T>
void fill_band(const T* x_group, const Conv2dShape& s, const Item& it, bool threads_inside,
               T* band) {
  const int64_t grain = threads_inside ? 1 : s.in_channels_per_group();
  at::parallel_for(0, s.in_channels_per_group(), grain, [&](int64_t c0, int64_t c1) {
    im2col(x_group, s, it.oh_begin, it.oh_end, c0, c1, band);
  });
}

// The [K, pixels of the band] im2col matrix of item `it`: x itself for a pointwise kernel,
// else filled into `band`.
template <typename T>
at::Tensor input_cols(const at::Tensor& x, const Conv2dShape& s, const Item& it, bool inside,
                      T* band) {
  if (s.is_pointwise()) return group_band(x, s.in_channels_per_group(), it, s.out_w);
  const T* x_group = x.const_data_ptr<T>() +
                     (it.n * s.in_channels + it.g * s.in_channels_per_group()) * s.in_h * s.in_w;
  fill_band(x_group, s, it, inside, band);
  return at::from_blob(band, {s.col_rows(), it.cols(s)}, x.options());
}

template <typename T>
void forward(const at::Tensor& x, const at::Tensor& w, const std::optional<at::Tensor>& b,
             const Conv2dShape& s, at::Tensor& out) {
  const Bands bands(s);
  const int64_t og = s.out_channels_per_group();
  const auto w_groups = w.view({s.groups, og, s.col_rows()});
  const T* bp = b.has_value() && b->defined() ? b->const_data_ptr<T>() : nullptr;
  const int64_t band_elements = s.is_pointwise() ? 0 : s.col_rows() * bands.rows * s.out_w;
  for_each_chunk<T>(bands.items, bands.threaded, band_elements, x.options(),
                    [&](int64_t begin, int64_t end, T* band, bool inside) {
    for (int64_t i = begin; i < end; ++i) {
      const Item it = item_at(s, bands, i);
      auto out_band = group_band(out, og, it, s.out_w);
      gemm<T>(w_groups.select(0, it.g), input_cols(x, s, it, inside, band), out_band, false,
              !bands.threaded);
      if (bp == nullptr) continue;
      // Bias while the band is still in cache.
      T* o = out_band.data_ptr<T>();
      for (int64_t c = 0; c < og; ++c) {
        const T bias = bp[it.g * og + c];
        for (int64_t j = 0; j < it.cols(s); ++j) o[c * out_band.stride(0) + j] += bias;
      }
    }
  });
}

template <typename T>
void backward_input(const at::Tensor& grad_out, const at::Tensor& w, const Conv2dShape& s,
                    at::Tensor& grad_x) {
  const Bands bands(s);
  const int64_t og = s.out_channels_per_group();
  const int64_t cg = s.in_channels_per_group();
  const auto w_groups_t = w.view({s.groups, og, s.col_rows()}).transpose(1, 2);
  T* gx = grad_x.data_ptr<T>();
  const int64_t band_elements = s.is_pointwise() ? 0 : s.col_rows() * bands.rows * s.out_w;
  // Bands of one image overlap in the input rows they add to, so an image is never split
  // across threads: the parallel unit is the image (all its groups and bands).
  const int64_t per_image = s.groups * bands.count;
  for_each_chunk<T>(s.batch, bands.threaded, band_elements, grad_out.options(),
                    [&](int64_t n_begin, int64_t n_end, T* band, bool inside) {
    for (int64_t i = n_begin * per_image; i < n_end * per_image; ++i) {
      const Item it = item_at(s, bands, i);
      const auto go_band = group_band(grad_out, og, it, s.out_w);
      if (s.is_pointwise()) {
        auto gx_band = group_band(grad_x, cg, it, s.out_w);
        gemm<T>(w_groups_t.select(0, it.g), go_band, gx_band, false, !bands.threaded);
        continue;
      }
      auto cols = at::from_blob(band, {s.col_rows(), it.cols(s)}, grad_out.options());
      gemm<T>(w_groups_t.select(0, it.g), go_band, cols, false, !bands.threaded);
      T* gx_group = gx + (it.n * s.in_channels + it.g * cg) * s.in_h * s.in_w;
      at::parallel_for(0, cg, inside ? 1 : cg, [&](int64_t c0, int64_t c1) {
        col2im_add(band, s, it.oh_begin, it.oh_end, c0, c1, gx_group);
      });
    }
  });
}

template <typename T>
void backward_weight(const at::Tensor& grad_out, const at::Tensor& x, const Conv2dShape& s,
                     at::Tensor& grad_w) {
  const Bands bands(s);
  const int64_t og = s.out_channels_per_group();
  const int64_t band_elements = s.is_pointwise() ? 0 : s.col_rows() * bands.rows * s.out_w;
  // Threads accumulate into private copies of grad_w, summed at the end.
  std::mutex mutex;
  std::vector<at::Tensor> partials;
  for_each_chunk<T>(bands.items, bands.threaded, band_elements, x.options(),
                    [&](int64_t begin, int64_t end, T* band, bool inside) {
    auto acc = at::zeros({s.groups, og, s.col_rows()}, grad_w.options());
    for (int64_t i = begin; i < end; ++i) {
      const Item it = item_at(s, bands, i);
      const auto cols = input_cols(x, s, it, inside, band);
      auto acc_g = acc.select(0, it.g);
      gemm<T>(group_band(grad_out, og, it, s.out_w), cols.t(), acc_g, true, !bands.threaded);
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
