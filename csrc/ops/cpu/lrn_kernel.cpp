// Local response normalization on the CPU.
//
// Threads split blocks of (image, run of pixels). In a block every channel's window sum of
// squares is recomputed from the `size` rows of the window, with multiplies and adds over contiguous
// runs of pixels that vectorize, instead of sliding one running sum across channels. Each sum
// then has at most `size` rounding errors of its own and none carried over from the channels
// before it, so float sums need no double accumulator: a sum of n rounded squares (positive
// terms) is within n * 2^-24 relative of the exact one (2.4e-6 for n = 40, the largest size tested), well
// inside the tests' float32 rtol (1e-5 against torch, 2e-4 elsewhere). The window's rows stay
// in L1 between channels, so the re-reads cost no memory traffic: the pass reads x once and
// writes y once, like a copy.
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <torch/library.h>

#include <cmath>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#include <immintrin.h>
#define GRADEKIT_LRN_AVX2 1
#endif

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

// The numbers a channel's loops need: k, alpha_eff, beta and backward's 2 alpha_eff beta.
template <typename T>
struct Coefficients {
  T k, alpha, beta, scale;
  explicit Coefficients(const LrnParams& w)
      : k(static_cast<T>(w.k)),
        alpha(static_cast<T>(w.alpha_eff)),
        beta(static_cast<T>(w.beta)),
        scale(static_cast<T>(2.0 * w.alpha_eff * w.beta)) {}
};

// Pixels handled together: the window's sums for kChunk pixels live in registers (the loops
// over them have a constant trip count, which the compiler unrolls and vectorizes), so a channel
// is one pass that reads its window's rows and writes its output row, with no buffer between.
constexpr int64_t kChunk = 16;

// s^-beta and 1/s for kChunk values, exactly (to rounding): the portable path.
template <Power P, typename T>
struct ExactPowers {
  T beta;
  inline void operator()(const T* s, T* p, T* inv) const {
    for (int64_t i = 0; i < kChunk; ++i) {
      p[i] = pow_neg_beta<P>(s[i], beta);
      inv[i] = T(1) / s[i];
    }
  }
};

// The rows of channel c's window, [c - before, c + after] clipped to [0, channels).
struct Window {
  int64_t lo, hi;
};
inline Window window_of(int64_t c, int64_t before, int64_t after, int64_t channels) {
  return {std::max<int64_t>(0, c - before), std::min(channels - 1, c + after)};
}

// s[i] = k + alpha_eff * sum of the window rows' squares, for kChunk pixels from `first`.
template <typename T>
__attribute__((always_inline)) inline void chunk_sums(const T* first, int64_t rows,
                                                      int64_t plane, Coefficients<T> q,
                                                      T* s) {
  T acc[kChunk] = {};
  for (int64_t j = 0; j < rows; ++j) {
    const T* r = first + j * plane;
    for (int64_t i = 0; i < kChunk; ++i) acc[i] += r[i] * r[i];
  }
  for (int64_t i = 0; i < kChunk; ++i) s[i] = q.k + q.alpha * acc[i];
}

// The same for one pixel, for the last (width % kChunk) pixels of a row.
template <typename T>
inline T pixel_sum(const T* first, int64_t rows, int64_t plane, Coefficients<T> q) {
  T acc = 0;
  for (int64_t j = 0; j < rows; ++j) acc += first[j * plane] * first[j * plane];
  return q.k + q.alpha * acc;
}

// Forward, one channel c of a block: y[c] = x[c] * s^-beta.
template <Power P, typename T, typename Pow>
__attribute__((always_inline)) inline void forward_channel_body(const T* x, T* y, int64_t c,
                                                                Window win, int64_t plane,
                                                                int64_t width,
                                                                Coefficients<T> q,
                                                                const Pow& pow) {
  const T* first = x + win.lo * plane;
  const int64_t rows = win.hi - win.lo + 1;
  const T* __restrict xc = x + c * plane;
  T* __restrict yc = y + c * plane;
  int64_t i = 0;
  for (; i + kChunk <= width; i += kChunk) {
    T s[kChunk], p[kChunk], inv[kChunk];
    chunk_sums(first + i, rows, plane, q, s);
    pow(s, p, inv);
    for (int64_t l = 0; l < kChunk; ++l) yc[i + l] = xc[i + l] * p[l];
  }
  for (; i < width; ++i) yc[i] = xc[i] * pow_neg_beta<P>(pixel_sum(first + i, rows, plane, q), q.beta);
}

// Backward, pixels [i, width) of a step one at a time: the pixels after the last vector chunk,
// for both the portable and the AVX2 path, so that the two compute their tails alike.
template <Power P, typename T>
__attribute__((always_inline)) inline void backward_step_tail(
    int64_t i, const T* first, int64_t rows, const T* xc, const T* gc, const T* xj, T* gxc,
    T* gxj, bool first_part, bool second_part, T* ring_row, const T* const* terms,
    int64_t n_terms, int64_t plane, int64_t width, Coefficients<T> q) {
  for (; i < width; ++i) {
    if (first_part) {
      const T s = pixel_sum(first + i, rows, plane, q);
      const T gp = gc[i] * pow_neg_beta<P>(s, q.beta);
      gxc[i] = gp;
      ring_row[i] = gp * xc[i] / s;
    }
    if (second_part) {
      T sum = 0;
      for (int64_t m = 0; m < n_terms; ++m) sum += terms[m][i];
      gxj[i] -= q.scale * xj[i] * sum;  // gxj may be gxc (before = 0), written just above
    }
  }
}

// Backward, one step c of the sweep described at lrn_backward_block: when `first` holds
// (c < channels), gx[c] = g[c] s[c]^-beta and ring row c = g[c] x[c] s[c]^(-beta-1); when
// `second` holds (j = c - before >= 0), gx[j] -= 2 alpha_eff beta x[j] * (sum of the ring rows
// listed in `terms`, channels [j - after, j + before]).
template <Power P, typename T, typename Pow>
__attribute__((always_inline)) inline void backward_step_body(
    const T* x, const T* g, T* gx, int64_t c, Window win, bool first_part, int64_t j,
    T* ring_row, const T* const* terms, int64_t n_terms, int64_t plane, int64_t width,
    Coefficients<T> q, const Pow& pow) {
  const T* first = x + win.lo * plane;
  const int64_t rows = win.hi - win.lo + 1;
  const T* __restrict xc = x + c * plane;
  const T* __restrict gc = g + c * plane;
  const T* __restrict xj = x + j * plane;
  T* gxc = gx + c * plane;
  T* ring = ring_row;
  int64_t i = 0;
  for (; i + kChunk <= width; i += kChunk) {
    if (first_part) {
      T s[kChunk], p[kChunk], inv[kChunk];
      chunk_sums(first + i, rows, plane, q, s);
      pow(s, p, inv);
      for (int64_t l = 0; l < kChunk; ++l) {
        const T gp = gc[i + l] * p[l];
        gxc[i + l] = gp;
        ring[i + l] = gp * xc[i + l] * inv[l];
      }
    }
    if (j >= 0) {
      T sum[kChunk] = {};
      for (int64_t m = 0; m < n_terms; ++m) {
        for (int64_t l = 0; l < kChunk; ++l) sum[l] += terms[m][i + l];
      }
      T* gxj = gx + j * plane;  // may be gxc (before = 0), written just above
      for (int64_t l = 0; l < kChunk; ++l) gxj[i + l] -= q.scale * xj[i + l] * sum[l];
    }
  }
  backward_step_tail<P>(i, first, rows, xc, gc, xj, gxc, gx + j * plane, first_part, j >= 0, ring,
                        terms, n_terms, plane, width, q);
}

// The portable kernels, compiled for AVX2 and for the baseline ISA.
template <Power P, typename T>
GRADEKIT_CPU_CLONES void forward_channel(const T* x, T* y, int64_t c, Window win, int64_t plane,
                                         int64_t width, Coefficients<T> q) {
  forward_channel_body<P>(x, y, c, win, plane, width, q, ExactPowers<P, T>{q.beta});
}

template <Power P, typename T>
GRADEKIT_CPU_CLONES void backward_step(const T* x, const T* g, T* gx, int64_t c, Window win,
                                       bool first_part, int64_t j, T* ring_row,
                                       const T* const* terms, int64_t n_terms, int64_t plane,
                                       int64_t width, Coefficients<T> q) {
  backward_step_body<P>(x, g, gx, c, win, first_part, j, ring_row, terms, n_terms, plane, width,
                        q, ExactPowers<P, T>{q.beta});
}

#ifdef GRADEKIT_LRN_AVX2
// float, beta 0.75 or 0.5, on AVX2: s^-0.5 from the approximate reciprocal square root
// (relative error <= 1.5 * 2^-12) refined by one Newton step (error then about 2e-7, a few
// float ulps), s^-0.25 = (s * s^-0.5)^-0.5 the same way, 1/s = (s^-0.5)^2. Two square roots and
// two divisions per value would take longer than the pass's memory traffic; these take a few
// multiplies. The result is within about 1e-6 relative of s^-beta, under the float32
// tolerances quoted at the top. It is used only where every s is a normal positive number, as
// when k >= 1e-30 and alpha >= 0 (the sum of squares is >= 0, and below 2^128).
__attribute__((target("avx2,fma"), always_inline)) inline __m256 rsqrt_refined(__m256 s) {
  const __m256 r = _mm256_rsqrt_ps(s);
  const __m256 h = _mm256_mul_ps(_mm256_mul_ps(s, r), r);  // r * (1.5 - 0.5 * s * r^2)
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), r),
                       _mm256_sub_ps(_mm256_set1_ps(3.0f), h));
}

__attribute__((target("avx2,fma"), always_inline)) inline __m256 window_sum_avx2(
    const float* first, int64_t rows, int64_t plane) {
  __m256 acc = _mm256_setzero_ps();
  for (int64_t j = 0; j < rows; ++j, first += plane) {
    const __m256 v = _mm256_loadu_ps(first);
    acc = _mm256_fmadd_ps(v, v, acc);
  }
  return acc;
}

// s^-beta, and 1/s in *inv.
template <Power P>
__attribute__((target("avx2,fma"), always_inline)) inline __m256 powers_avx2(__m256 s,
                                                                            __m256* inv) {
  const __m256 half = rsqrt_refined(s);
  *inv = _mm256_mul_ps(half, half);
  if constexpr (P == Power::ThreeQuarters) {
    return _mm256_mul_ps(half, rsqrt_refined(_mm256_mul_ps(s, half)));
  } else {
    return half;
  }
}

// forward_channel with intrinsics (8 pixels a step; the rest as in forward_channel_body).
template <Power P>
__attribute__((target("avx2,fma"))) void forward_channel_fast(const float* x, float* y,
                                                             int64_t c, Window win,
                                                             int64_t plane, int64_t width,
                                                             Coefficients<float> q) {
  const float* first = x + win.lo * plane;
  const int64_t rows = win.hi - win.lo + 1;
  const float* __restrict xc = x + c * plane;
  float* __restrict yc = y + c * plane;
  const __m256 vk = _mm256_set1_ps(q.k), va = _mm256_set1_ps(q.alpha);
  int64_t i = 0;
  for (; i + 8 <= width; i += 8) {
    const __m256 s = _mm256_fmadd_ps(va, window_sum_avx2(first + i, rows, plane), vk);
    __m256 inv;
    const __m256 p = powers_avx2<P>(s, &inv);
    _mm256_storeu_ps(yc + i, _mm256_mul_ps(_mm256_loadu_ps(xc + i), p));
  }
  for (; i < width; ++i) {
    yc[i] = xc[i] * pow_neg_beta<P>(pixel_sum(first + i, rows, plane, q), q.beta);
  }
}

// backward_step with intrinsics.
template <Power P>
__attribute__((target("avx2,fma"))) void backward_step_fast(
    const float* x, const float* g, float* gx, int64_t c, Window win, bool first_part, int64_t j,
    float* ring_row, const float* const* terms, int64_t n_terms, int64_t plane, int64_t width,
    Coefficients<float> q) {
  const float* first = x + win.lo * plane;
  const int64_t rows = win.hi - win.lo + 1;
  const float *xc = x + c * plane, *gc = g + c * plane, *xj = x + j * plane;
  float *gxc = gx + c * plane, *gxj = gx + j * plane;
  const __m256 vk = _mm256_set1_ps(q.k), va = _mm256_set1_ps(q.alpha);
  const __m256 vscale = _mm256_set1_ps(q.scale);
  int64_t i = 0;
  for (; i + 8 <= width; i += 8) {
    if (first_part) {
      const __m256 s = _mm256_fmadd_ps(va, window_sum_avx2(first + i, rows, plane), vk);
      __m256 inv;
      const __m256 p = powers_avx2<P>(s, &inv);
      const __m256 gp = _mm256_mul_ps(_mm256_loadu_ps(gc + i), p);
      _mm256_storeu_ps(gxc + i, gp);
      _mm256_storeu_ps(ring_row + i, _mm256_mul_ps(_mm256_mul_ps(gp, _mm256_loadu_ps(xc + i)), inv));
    }
    if (j >= 0) {
      __m256 sum = _mm256_setzero_ps();
      for (int64_t m = 0; m < n_terms; ++m) sum = _mm256_add_ps(sum, _mm256_loadu_ps(terms[m] + i));
      const __m256 xs = _mm256_mul_ps(vscale, _mm256_loadu_ps(xj + i));
      _mm256_storeu_ps(gxj + i, _mm256_fnmadd_ps(xs, sum, _mm256_loadu_ps(gxj + i)));
    }
  }
  backward_step_tail<P>(i, first, rows, xc, gc, xj, gxc, gxj, first_part, j >= 0, ring_row, terms,
                        n_terms, plane, width, q);
}
#endif

// Whether the float fast path applies (see rsqrt_refined).
template <Power P, typename T>
bool fast_powers(Coefficients<T> q) {
#ifdef GRADEKIT_LRN_AVX2
  if constexpr (std::is_same_v<T, float> && (P == Power::ThreeQuarters || P == Power::Half)) {
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return avx2 && q.k >= 1e-30f && q.alpha >= 0.0f;
  }
#endif
  (void)q;
  return false;
}

template <Power P, typename T>
void lrn_forward_block(const T* x, T* y, int64_t channels, int64_t plane, int64_t width,
                       const LrnParams& w) {
  const Coefficients<T> q(w);
  const bool fast = fast_powers<P>(q);
  for (int64_t c = 0; c < channels; ++c) {
    const auto win = window_of(c, w.before, w.after, channels);
#ifdef GRADEKIT_LRN_AVX2
    if constexpr (std::is_same_v<T, float>) {
      if (fast) {
        forward_channel_fast<P>(x, y, c, win, plane, width, q);
        continue;
      }
    }
#endif
    (void)fast;
    forward_channel<P>(x, y, c, win, plane, width, q);
  }
}

// dx[j] = g[j] s[j]^-beta - 2 alpha_eff beta x[j] sum_{c : j in window(c)} g[c] x[c] s[c]^(-beta-1).
// The channels c with j in window(c) are [j - after, j + before]. One sweep over c computes
// t[c] = g[c] x[c] s[c]^(-beta-1) into a ring of `size` rows; gx[j] is completed as soon as
// t[j + before] exists, so x, g and gx are each read or written once from memory.
template <Power P, typename T>
void lrn_backward_block(const T* g, const T* x, T* gx, int64_t channels, int64_t plane,
                        int64_t width, const LrnParams& w, T* ring, const T** terms) {
  const Coefficients<T> q(w);
  const bool fast = fast_powers<P>(q);
  const int64_t ring_rows = w.before + w.after + 1;
  for (int64_t c = 0; c < channels + w.before; ++c) {
    const bool first_part = c < channels;
    const auto win = window_of(std::min(c, channels - 1), w.before, w.after, channels);
    const int64_t j = c - w.before;  // t[j + before] is computed in this step (or lies past the end)
    int64_t n_terms = 0;
    if (j >= 0) {
      const auto mirrored = window_of(j, w.after, w.before, channels);
      for (int64_t m = mirrored.lo; m <= mirrored.hi; ++m) terms[n_terms++] = ring + (m % ring_rows) * width;
    }
    T* ring_row = ring + (c % ring_rows) * width;
#ifdef GRADEKIT_LRN_AVX2
    if constexpr (std::is_same_v<T, float>) {
      if (fast) {
        backward_step_fast<P>(x, g, gx, c, win, first_part, j, ring_row, terms, n_terms, plane,
                              width, q);
        continue;
      }
    }
#endif
    (void)fast;
    backward_step<P>(x, g, gx, c, win, first_part, j, ring_row, terms, n_terms, plane, width, q);
  }
}

struct Block {
  int64_t offset, width;
};

// Pixels per block, at most: a row of a block is long enough for the hardware prefetcher to
// stream it (a few pages), and the window's rows and backward's ring (`size` rows each) still
// fit in L2 while the block sweeps the channels.
constexpr int64_t kMaxBlock = 4096;

// Runs body(image, Block) over blocks of pixels of every image, in parallel. An image's plane
// is cut into equal blocks of at most kMaxBlock pixels, and into more (down to kChunk pixels)
// when there are too few images for every thread to get a block.
template <typename Body>
void for_each_block(int64_t batch, int64_t plane, int64_t channels, int64_t size,
                    const Body& body) {
  int64_t per_image = (plane + kMaxBlock - 1) / kMaxBlock;
  const int64_t wanted = (2 * at::get_num_threads() + batch - 1) / batch;
  per_image = std::max(per_image, std::min(wanted, (plane + kChunk - 1) / kChunk));
  // Blocks start on a multiple of kChunk pixels so that only the plane's end has a partial chunk.
  const int64_t block_width = (plane + per_image - 1) / per_image;
  const int64_t rounded = (block_width + kChunk - 1) / kChunk * kChunk;
  per_image = (plane + rounded - 1) / rounded;
  const int64_t block_work = std::min(rounded, plane) * channels * size;
  parallel_for_work(0, batch * per_image, block_work, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t offset = (b % per_image) * rounded;
      body(b / per_image, Block{offset, std::min(rounded, plane - offset)});
    }
  });
}

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
      for_each_block(x.size(0), plane, channels, size, [&](int64_t n, Block b) {
        const int64_t base = n * channels * plane + b.offset;
        lrn_forward_block<decltype(power)::value, scalar_t>(xp + base, yp + base, channels,
                                                             plane, b.width, w);
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
      const int64_t ring_rows = w.before + w.after + 1;
      for_each_block(x.size(0), plane, channels, size, [&](int64_t n, Block b) {
        std::vector<scalar_t> ring(ring_rows * b.width);
        std::vector<const scalar_t*> terms(ring_rows);
        const int64_t base = n * channels * plane + b.offset;
        lrn_backward_block<decltype(power)::value, scalar_t>(gp + base, xp + base, gxp + base,
                                                              channels, plane, b.width, w,
                                                              ring.data(), terms.data());
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
