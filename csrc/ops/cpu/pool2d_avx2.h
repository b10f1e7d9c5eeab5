// AVX2 float NCHW pooling with horizontal stride 2 (AlexNet's and LeNet-5's pools).
//
// With stride 2 the window columns of 8 neighbouring outputs are the even lanes of 15
// consecutive floats, so 8 outputs are reduced a step with two loads per window pixel and two
// shuffles per kernel column; GCC does not vectorize the strided loads of the portable loop by
// itself. Windows that cross the row's left or right edge (padding) are reduced one at a time,
// in the same order, so that both give the same bits.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "../pool2d.h"
#include "../pool_reducers.h"
#include "loops.h"
#define GRADEKIT_POOL_AVX2 1

namespace gradekit::cpu::avx2 {

#define GRADEKIT_AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) inline

inline bool available() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}

// The even lanes of (a, b) = (p[0..8), p[7..15)): p[0], p[2], ..., p[14]. Per 128-bit lane the
// shuffle takes a0 a2 b1 b3 (p0 p2 p8 p10 | p4 p6 p12 p14); the permute orders the pairs.
GRADEKIT_AVX2_INLINE __m256 even_lanes(__m256 a, __m256 b) {
  const __m256 mixed = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
}

// p[0], p[2], ..., p[14]: reads p[0..15) only, so a window ending a tensor's last row does not
// read past the tensor.
GRADEKIT_AVX2_INLINE __m256 evens(const float* p) {
  return even_lanes(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 7));
}

// p[0], p[2], ..., p[2 (m - 1)] in lanes [0, m) for 0 < m < 8, read with masks that stop at
// p[2 (m - 1)]: the last outputs of a row, too few for evens(), whose 15 floats could run past
// the tensor. The other lanes are zero.
struct EvensMasks {
  __m256i low, high;
  GRADEKIT_AVX2_INLINE explicit EvensMasks(int64_t m) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i last = _mm256_set1_epi32(static_cast<int32_t>(2 * m - 1));  // offsets < 2m - 1
    low = _mm256_cmpgt_epi32(last, index);
    high = _mm256_cmpgt_epi32(last, _mm256_add_epi32(index, _mm256_set1_epi32(7)));
  }
};

// The loads of pick_outputs_sw2: all 8 outputs, or the first m.
struct LoadEvens {
  GRADEKIT_AVX2_INLINE __m256 operator()(const float* p) const { return evens(p); }
};
struct LoadFirstEvens {
  EvensMasks masks;
  GRADEKIT_AVX2_INLINE __m256 operator()(const float* p) const {
    return even_lanes(_mm256_maskload_ps(p, masks.low), _mm256_maskload_ps(p + 7, masks.high));
  }
};

template <typename R>
GRADEKIT_AVX2_INLINE __m256 identity() {
  return _mm256_set1_ps(R::template identity<float>());
}

// Lanes where window value v replaces the pick `best` (R::takes: better, or NaN).
template <typename R>
GRADEKIT_AVX2_INLINE __m256 takes(__m256 v, __m256 best) {
  constexpr int kBetter = std::is_same_v<R, MaxReducer> ? _CMP_GT_OQ : _CMP_LT_OQ;
  return _mm256_or_ps(_mm256_cmp_ps(v, best, kBetter), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
}

// R::combine (kNumbers: R::combine_numbers) on 8 lanes.
template <typename R, bool kNumbers>
GRADEKIT_AVX2_INLINE __m256 combine(__m256 acc, __m256 v) {
  if constexpr (!R::kPicks) {
    return _mm256_add_ps(acc, v);
  } else if constexpr (kNumbers) {
    // max_ps(v, acc) is v > acc ? v : acc, exactly combine_numbers (min likewise).
    return std::is_same_v<R, MaxReducer> ? _mm256_max_ps(v, acc) : _mm256_min_ps(v, acc);
  } else {
    return _mm256_blendv_ps(acc, v, takes<R>(v, acc));
  }
}

// 8 outputs (ow..ow+7) of output row `o` whose windows start at input row `first` and column
// 2 * ow - pad_w, all window columns inside the row. Each kernel column is reduced over the
// kernel rows first, on the raw 15-float spans, and only then deinterleaved: 2 shuffles per
// kernel column instead of 2 per window pixel (the shuffle port bounds this loop), and the
// same order of operations as the portable separable loop, so the sums are bit-identical.
// kFull = false: only the first n outputs exist; masked loads read nothing past the last
// window's columns and a masked store writes only those n.
template <typename R, bool kNumbers, bool kFull>
GRADEKIT_AVX2_INLINE void pool_chunk_sw2(const float* first, int64_t rows, int64_t in_w,
                                         int64_t kernel_w, float* o, int64_t n, __m256 d) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i last = _mm256_set1_epi32(static_cast<int32_t>(2 * (n - 1)));  // last even lane read
  const __m256i in_a = _mm256_cmpgt_epi32(_mm256_add_epi32(last, _mm256_set1_epi32(1)), lane);
  const __m256i in_b = _mm256_cmpgt_epi32(_mm256_sub_epi32(last, _mm256_set1_epi32(6)), lane);
  __m256 acc = identity<R>();
  for (int64_t kj = 0; kj < kernel_w; ++kj) {
    __m256 va = identity<R>(), vb = identity<R>();
    const float* c = first + kj;
    for (int64_t ki = 0; ki < rows; ++ki, c += in_w) {
      va = combine<R, kNumbers>(va, kFull ? _mm256_loadu_ps(c) : _mm256_maskload_ps(c, in_a));
      vb = combine<R, kNumbers>(vb, kFull ? _mm256_loadu_ps(c + 7) : _mm256_maskload_ps(c + 7, in_b));
    }
    acc = combine<R, kNumbers>(acc, even_lanes(va, vb));
  }
  if constexpr (!R::kPicks) acc = _mm256_div_ps(acc, d);
  if constexpr (kFull) {
    _mm256_storeu_ps(o, acc);
  } else {
    _mm256_maskstore_ps(o, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(n)), lane), acc);
  }
}

// One NCHW plane, horizontal stride 2: o = the plane's pooled output. Outputs whose window
// columns all lie inside the row are reduced 8 at a time straight from the input rows (no
// per-row buffer or call: LeNet-5's and AlexNet's pool5 rows are only 5 and 6 outputs wide, a
// partial step); the others one at a time, in the same order.
template <typename R, bool kNumbers>
__attribute__((target("avx2,fma"))) void pool_plane_sw2(const float* in, float* o,
                                                       const Pool2dShape& s, float divisor) {
  const __m256 d = _mm256_set1_ps(divisor);
  const int64_t a = valid_range(-s.pad_w, 2, s.in_w, s.out_w).lo;
  const int64_t b = std::max(a, valid_range(s.kernel_w - 1 - s.pad_w, 2, s.in_w, s.out_w).hi);
  for (int64_t oh = 0; oh < s.out_h; ++oh, o += s.out_w) {
    const int64_t ih0 = oh * s.stride_h - s.pad_h;
    const int64_t k0 = std::max<int64_t>(0, -ih0), k1 = std::min(s.kernel_h, s.in_h - ih0);
    const float* first = in + (ih0 + k0) * s.in_w - s.pad_w;
    int64_t ow = a;
    for (; ow + 8 <= b; ow += 8) {
      pool_chunk_sw2<R, kNumbers, true>(first + 2 * ow, k1 - k0, s.in_w, s.kernel_w, o + ow, 8, d);
    }
    if (ow < b) {
      pool_chunk_sw2<R, kNumbers, false>(first + 2 * ow, k1 - k0, s.in_w, s.kernel_w, o + ow,
                                         b - ow, d);
    }
    auto edge = [&](int64_t ow) {
      float acc = R::template identity<float>();
      for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
        const int64_t iw = 2 * ow + kj - s.pad_w;
        if (iw < 0 || iw >= s.in_w) continue;
        float col = R::template identity<float>();
        for (int64_t ki = k0; ki < k1; ++ki) {
          const float v = in[(ih0 + ki) * s.in_w + iw];
          col = kNumbers ? R::combine_numbers(col, v) : R::combine(col, v);
        }
        acc = kNumbers ? R::combine_numbers(acc, col) : R::combine(acc, col);
      }
      o[ow] = divisor != 1.0f ? acc / divisor : acc;
    };
    for (int64_t ow = 0; ow < a; ++ow) edge(ow);
    for (int64_t ow = b; ow < s.out_w; ++ow) edge(ow);
  }
}

// Max/min backward for `count` outputs from ow of output row `go` of a plane `in`, whose windows
// start at input row ih0 and column 2 * ow - pad_w, kernel rows [rows_lo, rows_hi) inside the
// input: finds each window's pick as window_pick does (first valid pixel, then R::takes in window
// order) and adds the output's gradient to gx there. `load` reads the 8 (or first count) windows'
// pixels at one kernel offset.
template <typename R, typename Load>
GRADEKIT_AVX2_INLINE void pick_outputs_sw2(const float* in, const float* go, float* gx,
                                           int64_t in_w, int64_t ih0, int64_t rows_lo,
                                           int64_t rows_hi, int64_t ow, int64_t count,
                                           int64_t kernel_w, int64_t pad_w, const Load& load) {
  const __m256i lanes = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
  const int64_t iw0 = 2 * ow - pad_w;
  __m256 best = identity<R>();
  __m256i pick =
      _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>((ih0 + rows_lo) * in_w + iw0)), lanes);
  for (int64_t ki = rows_lo; ki < rows_hi; ++ki) {
    for (int64_t kj = 0; kj < kernel_w; ++kj) {
      const int64_t at = (ih0 + ki) * in_w + iw0 + kj;
      const __m256 v = load(in + at);
      const __m256 t = takes<R>(v, best);
      best = _mm256_blendv_ps(best, v, t);
      const __m256i here = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int32_t>(at)), lanes);
      pick = _mm256_castps_si256(
          _mm256_blendv_ps(_mm256_castsi256_ps(pick), _mm256_castsi256_ps(here), t));
    }
  }
  alignas(32) int32_t at[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(at), pick);
  // One at a time: neighbouring windows share a column and may pick the same pixel.
  for (int64_t l = 0; l < count; ++l) gx[at[l]] += go[ow + l];
}

// Max/min pool backward of outputs [lo, hi) of one row (windows inside the row, stride 2): 8 at a
// time, then the rest masked, so that narrow planes (AlexNet's pool5: 6 outputs a row) are
// vectorized too instead of a compare-and-select chain per window. Returns the first output left
// (hi).
template <typename R>
__attribute__((target("avx2,fma"))) int64_t pick_row_sw2(const float* in, const float* go,
                                                        float* gx, int64_t in_w, int64_t ih0,
                                                        int64_t rows_lo, int64_t rows_hi,
                                                        int64_t lo, int64_t hi,
                                                        int64_t kernel_w, int64_t pad_w) {
  int64_t ow = lo;
  for (; ow + 8 <= hi; ow += 8) {
    pick_outputs_sw2<R>(in, go, gx, in_w, ih0, rows_lo, rows_hi, ow, 8, kernel_w, pad_w,
                        LoadEvens{});
  }
  if (ow < hi) {
    pick_outputs_sw2<R>(in, go, gx, in_w, ih0, rows_lo, rows_hi, ow, hi - ow, kernel_w, pad_w,
                        LoadFirstEvens{EvensMasks(hi - ow)});
  }
  return hi;
}

#undef GRADEKIT_AVX2_INLINE

}  // namespace gradekit::cpu::avx2

#endif
