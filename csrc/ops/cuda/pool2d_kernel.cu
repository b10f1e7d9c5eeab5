// max/min/avg pool2d on CUDA: one thread per output in forward, one per input in backward
// (which gathers from the outputs whose window covers it, so no atomics and a deterministic
// sum). Consecutive threads take consecutive elements of the layout in memory, NCHW or NHWC,
// so loads and stores coalesce.
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "../checks.h"
#include "../pool2d.h"
#include "../pool_reducers.h"
#include "launch.cuh"

namespace gradekit::cuda {

namespace {

// Element i of an (N, C, H, W)-sized tensor stored NCHW or NHWC, as coordinates.
struct Coord {
  int64_t n, c, h, w;
};

__device__ __forceinline__ Coord coord_of(int64_t i, int64_t C, int64_t H, int64_t W,
                                          bool channels_last) {
  if (channels_last) {
    const int64_t c = i % C;
    i /= C;
    const int64_t w = i % W;
    i /= W;
    return {i / H, c, i % H, w};
  }
  const int64_t w = i % W;
  i /= W;
  const int64_t h = i % H;
  i /= H;
  return {i / C, i % C, h, w};
}

__device__ __forceinline__ int64_t index_of(Coord p, int64_t C, int64_t H, int64_t W,
                                            bool channels_last) {
  return channels_last ? ((p.n * H + p.h) * W + p.w) * C + p.c
                       : ((p.n * C + p.c) * H + p.h) * W + p.w;
}

// Input pixel (ih, iw) of output o's image and channel.
__device__ __forceinline__ int64_t input_index(const Pool2dShape& s, Coord o, int64_t ih,
                                               int64_t iw, bool cl) {
  return index_of({o.n, o.c, ih, iw}, s.channels, s.in_h, s.in_w, cl);
}

template <typename R, typename T>
__global__ void pool_forward_kernel(const T* x, T* y, Pool2dShape s, bool cl, T divisor) {
  const int64_t total = s.planes() * s.out_h * s.out_w;
  GRADEKIT_CUDA_LOOP(i, total) {
    const Coord o = coord_of(i, s.channels, s.out_h, s.out_w, cl);
    const int64_t ih0 = o.h * s.stride_h - s.pad_h, iw0 = o.w * s.stride_w - s.pad_w;
    T acc = R::template identity<T>();
    for (int64_t ih = std::max<int64_t>(ih0, 0); ih < std::min(ih0 + s.kernel_h, s.in_h); ++ih) {
      for (int64_t iw = std::max<int64_t>(iw0, 0); iw < std::min(iw0 + s.kernel_w, s.in_w); ++iw) {
        acc = R::combine(acc, x[input_index(s, o, ih, iw, cl)]);
      }
    }
    y[i] = acc / divisor;
  }
}

// The window pixel (ih * in_w + iw) that max/min pool picks for each output.
template <typename R, typename T>
__global__ void pick_kernel(const T* x, int64_t* picks, Pool2dShape s, bool cl) {
  const int64_t total = s.planes() * s.out_h * s.out_w;
  GRADEKIT_CUDA_LOOP(i, total) {
    const Coord o = coord_of(i, s.channels, s.out_h, s.out_w, cl);
    const int64_t ih0 = o.h * s.stride_h - s.pad_h, iw0 = o.w * s.stride_w - s.pad_w;
    const int64_t h0 = std::max<int64_t>(ih0, 0), w0 = std::max<int64_t>(iw0, 0);
    int64_t pick = h0 * s.in_w + w0;
    T best = R::template identity<T>();
    for (int64_t ih = h0; ih < std::min(ih0 + s.kernel_h, s.in_h); ++ih) {
      for (int64_t iw = w0; iw < std::min(iw0 + s.kernel_w, s.in_w); ++iw) {
        const T v = x[input_index(s, o, ih, iw, cl)];
        if (R::takes(v, best)) {
          best = v;
          pick = ih * s.in_w + iw;
        }
      }
    }
    picks[i] = pick;
  }
}

// Outputs whose window covers input row ih: [first, last] clipped to the output.
__device__ __forceinline__ void covering(int64_t i, int64_t pad, int64_t kernel, int64_t stride,
                                         int64_t out, int64_t& first, int64_t& last) {
  const int64_t lo = i + pad - kernel + 1;
  first = lo <= 0 ? 0 : (lo + stride - 1) / stride;
  last = std::min((i + pad) / stride, out - 1);
}

// Gradient at each input pixel: the sum over covering outputs of their gradient, where the
// output picked this pixel (max/min, picks != nullptr) or divided by the window size (avg).
template <typename T>
__global__ void gather_backward_kernel(const T* g, const int64_t* picks, T* gx, Pool2dShape s,
                                       bool cl, T divisor) {
  const int64_t total = s.planes() * s.in_h * s.in_w;
  GRADEKIT_CUDA_LOOP(i, total) {
    const Coord p = coord_of(i, s.channels, s.in_h, s.in_w, cl);
    int64_t oh0, oh1, ow0, ow1;
    covering(p.h, s.pad_h, s.kernel_h, s.stride_h, s.out_h, oh0, oh1);
    covering(p.w, s.pad_w, s.kernel_w, s.stride_w, s.out_w, ow0, ow1);
    const int64_t self = p.h * s.in_w + p.w;
    T sum = 0;
    for (int64_t oh = oh0; oh <= oh1; ++oh) {
      for (int64_t ow = ow0; ow <= ow1; ++ow) {
        const int64_t o = index_of({p.n, p.c, oh, ow}, s.channels, s.out_h, s.out_w, cl);
        if (picks == nullptr || picks[o] == self) sum += g[o];
      }
    }
    gx[i] = sum / divisor;
  }
}

// Launchers with the reducer as their own template parameter: nvcc 13 fails to parse a kernel
// launch whose template argument is an alias of a dependent type (typename Op::Reducer).
template <typename R, typename T>
void launch_forward(const at::Tensor& x, at::Tensor& y, const Pool2dShape& s, bool cl, T divisor) {
  pool_forward_kernel<R, T><<<blocks_for(y.numel()), kThreads, 0, stream()>>>(
      x.const_data_ptr<T>(), y.data_ptr<T>(), s, cl, divisor);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename R, typename T>
void launch_picks(const at::Tensor& x, at::Tensor& picks, const Pool2dShape& s, bool cl) {
  if (picks.numel() == 0) return;
  pick_kernel<R, T><<<blocks_for(picks.numel()), kThreads, 0, stream()>>>(
      x.const_data_ptr<T>(), picks.data_ptr<int64_t>(), s, cl);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename Op>
at::Tensor pool2d_kernel(const at::Tensor& x_in, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding) {
  using R = typename Op::Reducer;
  const auto s = check_pool2d(Op::kName, x_in, kernel_size, stride, padding);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const auto format = working_memory_format(x_in);
  const bool cl = format == at::MemoryFormat::ChannelsLast;
  const auto x = x_in.contiguous(format);
  auto y = at::empty({s.batch, s.channels, s.out_h, s.out_w}, x.options().memory_format(format));
  if (y.numel() == 0) return y;
  // Average pool divides the window's sum by its size; max and min keep their pick.
  const int64_t divisor_value = R::kPicks ? 1 : s.kernel_h * s.kernel_w;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "pool2d_cuda", [&] {
    launch_forward<R, scalar_t>(x, y, s, cl, static_cast<scalar_t>(divisor_value));
  });
  return y;
}

template <typename Op>
at::Tensor argext_pool2d_backward_kernel(const at::Tensor& grad_out, const at::Tensor& x_in,
                                         at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                         at::IntArrayRef padding) {
  using R = typename Op::Reducer;
  const auto s = check_pool2d_backward(Op::kBackwardName, grad_out, x_in, kernel_size, stride,
                                       padding);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const auto format = working_memory_format(x_in);
  const bool cl = format == at::MemoryFormat::ChannelsLast;
  const auto x = x_in.contiguous(format);
  const auto g = grad_out.contiguous(format);
  auto gx = at::empty(x.sizes(), x.options().memory_format(format));
  if (gx.numel() == 0) return gx;
  auto picks = at::empty({g.numel()}, x.options().dtype(at::kLong));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "pool2d_backward_cuda", [&] {
    launch_picks<R, scalar_t>(x, picks, s, cl);
    gather_backward_kernel<scalar_t><<<blocks_for(gx.numel()), kThreads, 0, stream()>>>(
        g.const_data_ptr<scalar_t>(), picks.const_data_ptr<int64_t>(), gx.data_ptr<scalar_t>(),
        s, cl, scalar_t(1));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return gx;
}

at::Tensor avg_pool2d_backward_kernel(const at::Tensor& grad_out, int64_t height, int64_t width,
                                      at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                      at::IntArrayRef padding) {
  const auto s = check_pool2d_backward(AvgPool::kBackwardName, grad_out, height, width,
                                       kernel_size, stride, padding);
  const int64_t x_sizes[] = {s.batch, s.channels, s.in_h, s.in_w};
  const c10::cuda::CUDAGuard guard(grad_out.device());
  const auto format = working_memory_format(grad_out);
  const auto g = grad_out.contiguous(format);
  auto gx = at::empty(x_sizes, g.options().memory_format(format));
  if (gx.numel() == 0) return gx;
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "avg_pool2d_backward_cuda", [&] {
    gather_backward_kernel<scalar_t><<<blocks_for(gx.numel()), kThreads, 0, stream()>>>(
        g.const_data_ptr<scalar_t>(), nullptr, gx.data_ptr<scalar_t>(), s,
        format == at::MemoryFormat::ChannelsLast, scalar_t(s.kernel_h * s.kernel_w));
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return gx;
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CUDA, m) {
  m.impl("max_pool2d", &pool2d_kernel<MaxPool>);
  m.impl("min_pool2d", &pool2d_kernel<MinPool>);
  m.impl("avg_pool2d", &pool2d_kernel<AvgPool>);
  m.impl("max_pool2d_backward", &argext_pool2d_backward_kernel<MaxPool>);
  m.impl("min_pool2d_backward", &argext_pool2d_backward_kernel<MinPool>);
  m.impl("avg_pool2d_backward", &avg_pool2d_backward_kernel);
}

}  // namespace gradekit::cuda
