// Local response normalization on the CPU.
//
// Threads split blocks of (image, run of pixels). In a block, the window's sum of squares
// slides across channels: one square added and one dropped per channel instead of `size`
// re-added, over a run of contiguous pixels that the compiler vectorizes. Sums are kept in
// double so that adding and dropping squares leaves no drift in float32.
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <torch/library.h>

#include <cmath>
#include <vector>

#include "../checks.h"
#include "../lrn.h"
#include "loops.h"

namespace gradekit::cpu {

namespace {

// Common exponents get sqrt-based powers, which vectorize; std::pow does not.
enum class Power { ThreeQuarters, Half, One, Any };

template <Power P, typename T>
inline T pow_neg_beta(T s, T beta) {
  if constexpr (P == Power::ThreeQuarters) {
    const T root = std::sqrt(s);
    return T(1) / (root * std::sqrt(root));  // s^-0.75 = 1 / (s^0.5 * s^0.25)
  } else if constexpr (P == Power::Half) {
    return T(1) / std::sqrt(s);
  } else if constexpr (P == Power::One) {
    return T(1) / s;
  } else {
    return std::pow(s, -beta);
  }
}

template <typename F>
void with_power(double beta, const F& f) {
  if (beta == 0.75) return f(std::integral_constant<Power, Power::ThreeQuarters>{});
  if (beta == 0.5) return f(std::integral_constant<Power, Power::Half>{});
  if (beta == 1.0) return f(std::integral_constant<Power, Power::One>{});
  f(std::integral_constant<Power, Power::Any>{});
}

// A block: `width` pixels starting at `offset` in every channel of one image.
struct Block {
  int64_t offset, width;
};

// Slides the window sum acc over channels: before channel c's window is used, square c + after
// enters and square c - before - 1 leaves. v(j) is channel j's row of the block.
template <typename T, typename Row>
inline void slide_window(double* acc, int64_t width, int64_t c, int64_t channels, int64_t before,
                         int64_t after, const Row& v) {
  if (c + after < channels) {
    const T* in = v(c + after);
    for (int64_t i = 0; i < width; ++i) acc[i] += double(in[i]) * double(in[i]);
  }
  if (c - before - 1 >= 0) {
    const T* out = v(c - before - 1);
    for (int64_t i = 0; i < width; ++i) acc[i] -= double(out[i]) * double(out[i]);
  }
}

// The window sum before channel 0: squares of channels [0, after), which slide_window
// completes with channel `after` when channel 0's window is used.
template <typename T, typename Row>
inline void start_window(double* acc, int64_t width, int64_t channels, int64_t after,
                         const Row& v) {
  std::fill(acc, acc + width, 0.0);
  for (int64_t j = 0; j < std::min(after, channels); ++j) {
    for (int64_t i = 0; i < width; ++i) acc[i] += double(v(j)[i]) * double(v(j)[i]);
  }
}

template <typename T, Power P>
GRADEKIT_CPU_CLONES void lrn_forward_block(const T* x, T* y, int64_t channels, int64_t plane,
                                           int64_t width, LrnParams w, double* acc) {
  auto row = [&](int64_t c) { return x + c * plane; };
  start_window<T>(acc, width, channels, w.after, row);
  const T beta = static_cast<T>(w.beta);
  for (int64_t c = 0; c < channels; ++c) {
    slide_window<T>(acc, width, c, channels, w.before, w.after, row);
    const T* xc = row(c);
    T* yc = y + c * plane;
    for (int64_t i = 0; i < width; ++i) {
      const T s = static_cast<T>(w.k + w.alpha_eff * acc[i]);
      yc[i] = xc[i] * pow_neg_beta<P>(s, beta);
    }
  }
}

// dx[j] = g[j] s[j]^-beta - 2 alpha_eff beta x[j] sum_{c : j in window(c)} g[c] x[c] s[c]^(-beta-1).
// Pass 1 slides the forward window to get s and stores t[c] = g[c] x[c] s[c]^(-beta-1); pass 2
// slides the mirrored window (c from j - after to j + before) over t.
template <typename T, Power P>
GRADEKIT_CPU_CLONES void lrn_backward_block(const T* g, const T* x, T* gx, int64_t channels,
                                            int64_t plane, int64_t width, LrnParams w,
                                            double* acc, T* t) {
  auto row = [&](int64_t c) { return x + c * plane; };
  start_window<T>(acc, width, channels, w.after, row);
  const T beta = static_cast<T>(w.beta);
  for (int64_t c = 0; c < channels; ++c) {
    slide_window<T>(acc, width, c, channels, w.before, w.after, row);
    const T* xc = row(c);
    const T* gc = g + c * plane;
    T* gxc = gx + c * plane;
    T* tc = t + c * width;
    for (int64_t i = 0; i < width; ++i) {
      const T s = static_cast<T>(w.k + w.alpha_eff * acc[i]);
      const T p = pow_neg_beta<P>(s, beta);
      gxc[i] = gc[i] * p;
      tc[i] = gc[i] * xc[i] * (p / s);
    }
  }
  const double scale = 2.0 * w.alpha_eff * w.beta;
  std::fill(acc, acc + width, 0.0);
  for (int64_t c = 0; c < std::min(w.before, channels); ++c) {
    for (int64_t i = 0; i < width; ++i) acc[i] += double(t[c * width + i]);
  }
  for (int64_t j = 0; j < channels; ++j) {
    if (j + w.before < channels) {
      for (int64_t i = 0; i < width; ++i) acc[i] += double(t[(j + w.before) * width + i]);
    }
    if (j - w.after - 1 >= 0) {
      for (int64_t i = 0; i < width; ++i) acc[i] -= double(t[(j - w.after - 1) * width + i]);
    }
    const T* xj = row(j);
    T* gxj = gx + j * plane;
    for (int64_t i = 0; i < width; ++i) gxj[i] -= static_cast<T>(scale * double(xj[i]) * acc[i]);
  }
}

// Runs body(image, Block) over every block of `block_width` pixels of every image, in parallel.
template <typename Body>
void for_each_block(int64_t batch, int64_t plane, int64_t channels, int64_t block_width,
                    const Body& body) {
  const int64_t per_image = (plane + block_width - 1) / block_width;
  // A block is block_width * channels pixels of work; fork only for a few of them.
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / (block_width * channels));
  at::parallel_for(0, batch * per_image, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t offset = (b % per_image) * block_width;
      body(b / per_image, Block{offset, std::min(block_width, plane - offset)});
    }
  });
}

// Pixels per block: long enough runs to vectorize and stream, short enough that a block's
// rows of the window (and, in backward, its t rows) stay in cache.
constexpr int64_t kForwardBlock = 1024;
constexpr int64_t kBackwardBlock = 256;

at::Tensor lrn_kernel(const at::Tensor& x_in, int64_t size, double alpha, double beta, double k,
                      c10::string_view convention) {
  const auto w = check_lrn("lrn", x_in, size, alpha, beta, k, convention);
  const auto x = x_in.contiguous();
  auto y = at::empty_like(x, at::MemoryFormat::Contiguous);
  const int64_t channels = x.size(1), plane = x.size(2) * x.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn", [&] {
    const scalar_t* xp = x.const_data_ptr<scalar_t>();
    scalar_t* yp = y.data_ptr<scalar_t>();
    with_power(beta, [&](auto power) {
      for_each_block(x.size(0), plane, channels, kForwardBlock, [&](int64_t n, Block b) {
        std::vector<double> acc(b.width);
        const int64_t base = n * channels * plane + b.offset;
        lrn_forward_block<scalar_t, decltype(power)::value>(xp + base, yp + base, channels, plane,
                                                            b.width, w, acc.data());
      });
    });
  });
  return y;
}

at::Tensor lrn_backward_kernel(const at::Tensor& grad_out, const at::Tensor& x_in, int64_t size,
                               double alpha, double beta, double k, c10::string_view convention) {
  const auto w = check_lrn_backward(grad_out, x_in, size, alpha, beta, k, convention);
  const auto x = x_in.contiguous();
  const auto g = grad_out.contiguous();
  auto gx = at::empty_like(x, at::MemoryFormat::Contiguous);
  const int64_t channels = x.size(1), plane = x.size(2) * x.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn_backward", [&] {
    const scalar_t* xp = x.const_data_ptr<scalar_t>();
    const scalar_t* gp = g.const_data_ptr<scalar_t>();
    scalar_t* gxp = gx.data_ptr<scalar_t>();
    with_power(beta, [&](auto power) {
      for_each_block(x.size(0), plane, channels, kBackwardBlock, [&](int64_t n, Block b) {
        std::vector<double> acc(b.width);
        std::vector<scalar_t> t(b.width * channels);
        const int64_t base = n * channels * plane + b.offset;
        lrn_backward_block<scalar_t, decltype(power)::value>(
            gp + base, xp + base, gxp + base, channels, plane, b.width, w, acc.data(), t.data());
      });
    });
  });
  return gx;
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CPU, m) {
  m.impl("lrn", &lrn_kernel);
  m.impl("lrn_backward", &lrn_backward_kernel);
}

}  // namespace gradekit::cpu
