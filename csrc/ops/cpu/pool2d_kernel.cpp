// max/min/avg pool2d on the CPU, in the layout the input comes in.
//
// NCHW: threads split the N*C planes; in a plane, each output row first reduces its window's
// input rows into one row, then sweeps the kernel columns over it, so the innermost loops walk
// contiguous memory and the compiler vectorizes them (stride 1 and 2 are compiled as constants;
// float rows of stride 2 use pool2d_avx2.h on AVX2 CPUs).
// NHWC (channels_last): threads split the output rows; the innermost loop runs over channels,
// which are contiguous. Backward of max/min recomputes each window's pick from x.
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <torch/library.h>

#include <algorithm>
#include <bit>
#include <type_traits>
#include <vector>

#include "../checks.h"
#include "../pool2d.h"
#include "../pool_reducers.h"
#include "loops.h"
#include "pool2d_avx2.h"

namespace gradekit::cpu {

namespace {

// The kernel rows [lo, hi) of a window starting at input row `start` that fall inside the input.
ValidRange kernel_rows(int64_t start, int64_t kernel, int64_t size) {
  return {std::max<int64_t>(0, -start), std::min(kernel, size - start)};
}

// One NCHW plane. The window is separable: the window's input rows are first reduced into
// `column` (contiguous loads), then each output reduces kernel_w entries of `column`.
// kNumbers: the plane holds no NaN, so max/min can use the plain instruction.
template <typename R, typename T, int SW, bool kNumbers>
__attribute__((always_inline)) inline void pool_plane_nchw(const T* in, T* o, const Pool2dShape& s,
                                                        T divisor, T* column) {
  auto combine = [](T a, T v) { return kNumbers ? R::combine_numbers(a, v) : R::combine(a, v); };
  const int64_t sw = SW > 0 ? SW : s.stride_w;
  for (int64_t oh = 0; oh < s.out_h; ++oh, o += s.out_w) {
    const int64_t ih0 = oh * s.stride_h - s.pad_h;
    const auto kr = kernel_rows(ih0, s.kernel_h, s.in_h);  // never empty: padding <= kernel / 2
    std::copy(in + (ih0 + kr.lo) * s.in_w, in + (ih0 + kr.lo + 1) * s.in_w, column);
    for (int64_t ki = kr.lo + 1; ki < kr.hi; ++ki) {
      const T* row = in + (ih0 + ki) * s.in_w;
      for (int64_t iw = 0; iw < s.in_w; ++iw) column[iw] = combine(column[iw], row[iw]);
    }
    for (int64_t ow = 0; ow < s.out_w; ++ow) o[ow] = R::template identity<T>();
    for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
      const int64_t off = kj - s.pad_w;
      const auto r = valid_range(off, sw, s.in_w, s.out_w);
      for (int64_t ow = r.lo; ow < r.hi; ++ow) o[ow] = combine(o[ow], column[ow * sw + off]);
    }
    if (divisor != T(1)) {
      for (int64_t ow = 0; ow < s.out_w; ++ow) o[ow] /= divisor;
    }
  }
}

template <typename T>
__attribute__((always_inline)) inline bool contains_nan(const T* v, int64_t n) {
  int nan = 0;  // an int, not a bool: GCC vectorizes an int OR-reduction
#pragma omp simd reduction(| : nan)
  for (int64_t i = 0; i < n; ++i) nan |= v[i] != v[i];
  return nan != 0;
}

// The window of output (oh, ow): its first input row and column, and its kernel rows and
// columns that lie inside the input.
struct Window {
  int64_t ih0, iw0, in_w;
  ValidRange rows, cols;

  // Window pixel (ki, kj) as an offset h * in_w + w in its plane; first(): the first one inside.
  int64_t pixel(int64_t ki, int64_t kj) const { return (ih0 + ki) * in_w + iw0 + kj; }
  int64_t first() const { return pixel(rows.lo, cols.lo); }
};

Window window_at(const Pool2dShape& s, int64_t oh, int64_t ow) {
  const int64_t ih0 = oh * s.stride_h - s.pad_h, iw0 = ow * s.stride_w - s.pad_w;
  return {ih0, iw0, s.in_w, kernel_rows(ih0, s.kernel_h, s.in_h),
          kernel_rows(iw0, s.kernel_w, s.in_w)};
}

// Reduces planes [p0, p1) of an NCHW tensor; SW > 0 fixes the horizontal stride at compile time.
template <typename R, typename T, int SW>
GRADEKIT_CPU_CLONES void pool_planes_nchw(const T* x, T* y, const Pool2dShape& s, int64_t p0,
                                          int64_t p1, T divisor, T* column) {
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  for (int64_t p = p0; p < p1; ++p) {
    const T* in = x + p * in_plane;
    T* out = y + p * out_plane;
    const bool numbers = !(R::kPicks && contains_nan(in, in_plane));
#ifdef GRADEKIT_POOL_AVX2
    if constexpr (SW == 2 && std::is_same_v<T, float>) {
      if (avx2::available()) {
        numbers ? avx2::pool_plane_sw2<R, true>(in, out, s, divisor)
                : avx2::pool_plane_sw2<R, false>(in, out, s, divisor);
        continue;
      }
    }
#endif
    numbers ? pool_plane_nchw<R, T, SW, true>(in, out, s, divisor, column)
            : pool_plane_nchw<R, T, SW, false>(in, out, s, divisor, column);
  }
}

// Reduces output rows [r0, r1) (row r = n * out_h + oh) of an NHWC tensor.
template <typename R, typename T>
GRADEKIT_CPU_CLONES void pool_rows_nhwc(const T* x, T* y, const Pool2dShape& s, int64_t r0,
                                        int64_t r1, T divisor) {
  const int64_t c_count = s.channels, plane = s.in_h * s.in_w;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / s.out_h, oh = r % s.out_h;
    for (int64_t ow = 0; ow < s.out_w; ++ow) {
      const Window win = window_at(s, oh, ow);
      T* o = y + (r * s.out_w + ow) * c_count;
      for (int64_t c = 0; c < c_count; ++c) o[c] = R::template identity<T>();
      for (int64_t ki = win.rows.lo; ki < win.rows.hi; ++ki) {
        for (int64_t kj = win.cols.lo; kj < win.cols.hi; ++kj) {
          const T* in = x + (n * plane + win.pixel(ki, kj)) * c_count;
          for (int64_t c = 0; c < c_count; ++c) o[c] = R::combine(o[c], in[c]);
        }
      }
      if (divisor != T(1)) {
        for (int64_t c = 0; c < c_count; ++c) o[c] /= divisor;
      }
    }
  }
}

// The window pixel (as h * in_w + w) that max/min pool picks for output (oh, ow) of an NCHW
// plane. Selects, not branches: which pixel wins is as random as the data, and a mispredicted
// branch per comparison made small planes (AlexNet's pool5, too narrow for the vector rows)
// as slow as torch.
template <typename R, typename T>
int64_t window_pick(const T* in, const Pool2dShape& s, int64_t oh, int64_t ow) {
  const Window win = window_at(s, oh, ow);
  int64_t pick = win.first();
  T best = R::template identity<T>();
  for (int64_t ki = win.rows.lo; ki < win.rows.hi; ++ki) {
    for (int64_t kj = win.cols.lo; kj < win.cols.hi; ++kj) {
      const int64_t i = win.pixel(ki, kj);
      const T v = in[i];
      // All-ones when v wins, else zero: the two selects become bit operations, with nothing left
      // for the compiler to turn back into a branch.
      using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
      const bool takes = R::takes(v, best);
      const Bits keep = Bits(0) - Bits(takes);
      best = std::bit_cast<T>((std::bit_cast<Bits>(v) & keep) | (std::bit_cast<Bits>(best) & ~keep));
      const int64_t take = -static_cast<int64_t>(takes);
      pick = (i & take) | (pick & ~take);
    }
  }
  return pick;
}

// Gradient of max/min pool for NHWC images [n0, n1): every channel's pick is tracked at once,
// so the innermost loops run over contiguous channels. best and pick hold one value per channel.
template <typename R, typename T>
GRADEKIT_CPU_CLONES void argext_backward_nhwc(const T* x, const T* g, T* gx, const Pool2dShape& s,
                                              int64_t n0, int64_t n1, T* best, int64_t* pick) {
  const int64_t c_count = s.channels, plane = s.in_h * s.in_w;
  for (int64_t n = n0; n < n1; ++n) {
    for (int64_t o = 0; o < s.out_h * s.out_w; ++o) {
      const Window win = window_at(s, o / s.out_w, o % s.out_w);
      for (int64_t c = 0; c < c_count; ++c) {
        best[c] = R::template identity<T>();
        pick[c] = win.first();
      }
      for (int64_t ki = win.rows.lo; ki < win.rows.hi; ++ki) {
        for (int64_t kj = win.cols.lo; kj < win.cols.hi; ++kj) {
          const int64_t pos = win.pixel(ki, kj);
          const T* in = x + (n * plane + pos) * c_count;
          for (int64_t c = 0; c < c_count; ++c) {
            const bool takes = R::takes(in[c], best[c]);
            best[c] = takes ? in[c] : best[c];
            pick[c] = takes ? pos : pick[c];
          }
        }
      }
      const T* go = g + (n * s.out_h * s.out_w + o) * c_count;
      for (int64_t c = 0; c < c_count; ++c) gx[(n * plane + pick[c]) * c_count + c] += go[c];
    }
  }
}

// Gradient of max/min pool for NCHW planes [p0, p1). Each plane of gx is zeroed just before
// its gradients are added, while it is in cache, instead of in a pass of its own over memory.
template <typename R, typename T>
GRADEKIT_CPU_CLONES void argext_backward_planes(const T* x, const T* g, T* gx,
                                                const Pool2dShape& s, int64_t p0, int64_t p1) {
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  for (int64_t p = p0; p < p1; ++p) {
    const T* in = x + p * in_plane;
    T* gxp = gx + p * in_plane;
    std::fill(gxp, gxp + in_plane, T(0));
    for (int64_t oh = 0; oh < s.out_h; ++oh) {
      const T* go = g + p * out_plane + oh * s.out_w;
      int64_t a = 0, done = 0;  // outputs [a, done) were handled by the vector row
#ifdef GRADEKIT_POOL_AVX2
      if constexpr (std::is_same_v<T, float>) {
        if (s.stride_w == 2 && avx2::available()) {
          const int64_t ih0 = oh * s.stride_h - s.pad_h;
          const auto kr = kernel_rows(ih0, s.kernel_h, s.in_h);
          a = valid_range(-s.pad_w, 2, s.in_w, s.out_w).lo;
          const int64_t b = std::max(a, valid_range(s.kernel_w - 1 - s.pad_w, 2, s.in_w, s.out_w).hi);
          done = avx2::pick_row_sw2<R>(in, go, gxp, s.in_w, ih0, kr.lo, kr.hi, a, b, s.kernel_w,
                                       s.pad_w);
        }
      }
#endif
      for (int64_t ow = 0; ow < a; ++ow) gxp[window_pick<R>(in, s, oh, ow)] += go[ow];
      for (int64_t ow = done; ow < s.out_w; ++ow) gxp[window_pick<R>(in, s, oh, ow)] += go[ow];
    }
  }
}

// Gradient of max/min pool: each output's gradient goes to its window's pick. Threads split
// the planes (NCHW) or the images (NHWC), so no two threads add to the same input pixel.
template <typename R, typename T>
void argext_backward(const at::Tensor& x, const at::Tensor& g, at::Tensor& gx,
                     const Pool2dShape& s, bool channels_last) {
  const T* xp = x.const_data_ptr<T>();
  const T* gp = g.const_data_ptr<T>();
  T* gxp = gx.data_ptr<T>();
  const int64_t work = s.out_h * s.out_w * s.kernel_h * s.kernel_w;
  if (channels_last) {
    parallel_for_work(0, s.batch, work * s.channels, [&](int64_t n0, int64_t n1) {
      std::vector<T> best(s.channels);
      std::vector<int64_t> pick(s.channels);
      argext_backward_nhwc<R, T>(xp, gp, gxp, s, n0, n1, best.data(), pick.data());
    });
    return;
  }
  parallel_for_work(0, s.planes(), work, [&](int64_t p0, int64_t p1) {
    argext_backward_planes<R, T>(xp, gp, gxp, s, p0, p1);
  });
}

// Adds each output's gradient over the window size to every window pixel inside the input, for
// images [n0, n1) of an NHWC tensor (lanes = channels, contiguous).
template <typename T>
GRADEKIT_CPU_CLONES void avg_backward_images(const T* g, T* gx, const Pool2dShape& s, int64_t n0,
                                             int64_t n1, int64_t lanes, T divisor) {
  const int64_t in_plane = s.in_h * s.in_w;
  for (int64_t n = n0; n < n1; ++n) {
    for (int64_t o = 0; o < s.out_h * s.out_w; ++o) {
      const Window win = window_at(s, o / s.out_w, o % s.out_w);
      const T* go = g + (n * s.out_h * s.out_w + o) * lanes;
      for (int64_t ki = win.rows.lo; ki < win.rows.hi; ++ki) {
        for (int64_t kj = win.cols.lo; kj < win.cols.hi; ++kj) {
          T* dst = gx + (n * in_plane + win.pixel(ki, kj)) * lanes;
          for (int64_t c = 0; c < lanes; ++c) dst[c] += go[c] / divisor;
        }
      }
    }
  }
}

// The same for NCHW planes [p0, p1), a row at a time: the output row's gradients are first
// spread over one input-width row `spread` (what each input column receives), which is then
// added to each of the window's input rows with contiguous, vectorized adds. gx's plane is
// zeroed just before, while in cache.
template <typename T>
GRADEKIT_CPU_CLONES void avg_backward_planes(const T* g, T* gx, const Pool2dShape& s, int64_t p0,
                                             int64_t p1, T divisor, T* spread) {
  const int64_t in_plane = s.in_h * s.in_w, out_plane = s.out_h * s.out_w;
  for (int64_t p = p0; p < p1; ++p) {
    T* gxp = gx + p * in_plane;
    std::fill(gxp, gxp + in_plane, T(0));
    for (int64_t oh = 0; oh < s.out_h; ++oh) {
      const T* go = g + p * out_plane + oh * s.out_w;
      std::fill(spread, spread + s.in_w, T(0));
      for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
        const int64_t off = kj - s.pad_w;
        const auto r = valid_range(off, s.stride_w, s.in_w, s.out_w);
        for (int64_t ow = r.lo; ow < r.hi; ++ow) spread[ow * s.stride_w + off] += go[ow] / divisor;
      }
      const int64_t ih0 = oh * s.stride_h - s.pad_h;
      const auto kr = kernel_rows(ih0, s.kernel_h, s.in_h);
      for (int64_t ki = kr.lo; ki < kr.hi; ++ki) {
        T* row = gxp + (ih0 + ki) * s.in_w;
        for (int64_t iw = 0; iw < s.in_w; ++iw) row[iw] += spread[iw];
      }
    }
  }
}

// Gradient of avg pool: each output's gradient, divided by the window size, goes to every
// window pixel inside the input. Threads split planes (NCHW) or images (NHWC).
template <typename T>
void avg_backward(const at::Tensor& g, at::Tensor& gx, const Pool2dShape& s, bool channels_last) {
  const T* gp = g.const_data_ptr<T>();
  T* gxp = gx.data_ptr<T>();
  const T divisor = static_cast<T>(s.kernel_h * s.kernel_w);
  const int64_t work = s.out_h * s.out_w * s.kernel_h * s.kernel_w;
  if (channels_last) {
    parallel_for_work(0, s.batch, work * s.channels, [&](int64_t n0, int64_t n1) {
      avg_backward_images<T>(gp, gxp, s, n0, n1, s.channels, divisor);
    });
    return;
  }
  parallel_for_work(0, s.planes(), work + s.in_h * s.in_w, [&](int64_t p0, int64_t p1) {
    std::vector<T> spread(s.in_w);
    avg_backward_planes<T>(gp, gxp, s, p0, p1, divisor, spread.data());
  });
}

template <typename R, typename T>
void pool_forward(const at::Tensor& x, at::Tensor& y, const Pool2dShape& s, bool channels_last) {
  const T* xp = x.const_data_ptr<T>();
  T* yp = y.data_ptr<T>();
  // Average pool divides the window's sum by its size; max and min keep their pick.
  const T divisor = R::kPicks ? T(1) : static_cast<T>(s.kernel_h * s.kernel_w);
  const int64_t window = s.kernel_h * s.kernel_w;
  if (channels_last) {
    parallel_for_work(0, s.batch * s.out_h, s.out_w * s.channels * window,
                     [&](int64_t r0, int64_t r1) { pool_rows_nhwc<R, T>(xp, yp, s, r0, r1, divisor); });
    return;
  }
  parallel_for_work(0, s.planes(), s.out_h * s.out_w * window, [&](int64_t p0, int64_t p1) {
    std::vector<T> column(s.in_w);
    switch (s.stride_w) {
      case 1: pool_planes_nchw<R, T, 1>(xp, yp, s, p0, p1, divisor, column.data()); break;
      case 2: pool_planes_nchw<R, T, 2>(xp, yp, s, p0, p1, divisor, column.data()); break;
      default: pool_planes_nchw<R, T, 0>(xp, yp, s, p0, p1, divisor, column.data()); break;
    }
  });
}

template <typename Op>
at::Tensor pool2d_kernel(const at::Tensor& x_in, at::IntArrayRef kernel_size,
                         at::IntArrayRef stride, at::IntArrayRef padding) {
  using R = typename Op::Reducer;
  const auto s = check_pool2d(Op::kName, x_in, kernel_size, stride, padding);
  const auto format = working_memory_format(x_in);
  const auto x = x_in.contiguous(format);
  auto y = at::empty({s.batch, s.channels, s.out_h, s.out_w}, x.options().memory_format(format));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "pool2d", [&] {
    pool_forward<R, scalar_t>(x, y, s, format == at::MemoryFormat::ChannelsLast);
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
  const auto format = working_memory_format(x_in);
  const auto x = x_in.contiguous(format);
  const auto g = grad_out.contiguous(format);
  // at::zeros ignores the memory format of its options; at::empty honours it. The NCHW kernels
  // zero their own planes.
  const bool channels_last = format == at::MemoryFormat::ChannelsLast;
  auto gx = at::empty(x.sizes(), x.options().memory_format(format));
  if (channels_last) gx.zero_();
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "pool2d_backward", [&] {
    argext_backward<R, scalar_t>(x, g, gx, s, channels_last);
  });
  return gx;
}

at::Tensor avg_pool2d_backward_kernel(const at::Tensor& grad_out, int64_t height, int64_t width,
                                      at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                      at::IntArrayRef padding) {
  const auto s = check_pool2d_backward(AvgPool::kBackwardName, grad_out, height, width,
                                       kernel_size, stride, padding);
  const int64_t x_sizes[] = {s.batch, s.channels, s.in_h, s.in_w};
  const auto format = working_memory_format(grad_out);
  const auto g = grad_out.contiguous(format);
  const bool channels_last = format == at::MemoryFormat::ChannelsLast;
  auto gx = at::empty(x_sizes, g.options().memory_format(format));
  if (channels_last) gx.zero_();  // the NCHW kernel zeroes its own planes
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "avg_pool2d_backward", [&] {
    avg_backward<scalar_t>(g, gx, s, channels_last);
  });
  return gx;
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CPU, m) {
  m.impl("max_pool2d", &pool2d_kernel<MaxPool>);
  m.impl("min_pool2d", &pool2d_kernel<MinPool>);
  m.impl("avg_pool2d", &pool2d_kernel<AvgPool>);
  m.impl("max_pool2d_backward", &argext_pool2d_backward_kernel<MaxPool>);
  m.impl("min_pool2d_backward", &argext_pool2d_backward_kernel<MinPool>);
  m.impl("avg_pool2d_backward", &avg_pool2d_backward_kernel);
}

}  // namespace gradekit::cpu
