// Direct convolution for layers with few output channels (LeNet's), where building the im2col
// matrix costs more than the product it feeds: every output pixel's receptive field is read
// straight from the (zero-padded) image into a register tile of [P pixels x all output
// channels]. GCC's vector extensions express the tile; the x86-64-v3 clone runs it as AVX2 FMAs.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "../conv2d.h"
#include "loops.h"

namespace gradekit::cpu {

template <typename T>
struct Simd {
  typedef T V __attribute__((vector_size(32)));
  static constexpr int kLanes = 32 / sizeof(T);
};

// Output channels are handled as NV vectors of lanes (the weights zero-padded to fill them).
template <typename T>
int direct_vectors(const Conv2dShape& s) {
  return static_cast<int>((s.out_channels + Simd<T>::kLanes - 1) / Simd<T>::kLanes);
}

// Whether the direct kernel serves shape s: one group, at most 4 vectors of output channels
// (32 in float32), a receptive field that fits in cache next to the weights.
template <typename T>
bool use_direct(const Conv2dShape& s) {
  return s.groups == 1 && direct_vectors<T>(s) <= 4 && s.col_rows() <= 4096;
}

// tile[p][o] = sum_k wt[k][o] * img[koff[k] + base[p]] for P pixels and NV * lanes channels.
template <typename T, int NV, int P>
GRADEKIT_CPU_CLONES void direct_tile(const T* img, const int64_t* koff, int64_t k_count,
                                     const T* wt, const int64_t* base, T* tile) {
  using V = typename Simd<T>::V;
  constexpr int L = Simd<T>::kLanes;
  V acc[P][NV] = {};
  for (int64_t k = 0; k < k_count; ++k) {
    V w[NV];
    for (int j = 0; j < NV; ++j) std::memcpy(&w[j], wt + (k * NV + j) * L, sizeof(V));
    const T* src = img + koff[k];
    for (int p = 0; p < P; ++p) {
      const T x = src[base[p]];  // scalar * vector: GCC broadcasts it into every lane
      for (int j = 0; j < NV; ++j) acc[p][j] += x * w[j];
    }
  }
  for (int p = 0; p < P; ++p) {
    for (int j = 0; j < NV; ++j) std::memcpy(tile + (p * NV + j) * L, &acc[p][j], sizeof(V));
  }
}

// Pixels per tile so that the P * NV accumulators, NV weights and a broadcast fit the 16
// vector registers.
template <int NV>
constexpr int kDirectPixels = NV == 1 ? 8 : NV == 2 ? 6 : NV == 3 ? 3 : 2;

// One image: out (C_out x OH*OW) from img (C_in x Hp x Wp, already padded), weights
// transposed to wt (K x NV*lanes), bias optional.
template <typename T, int NV>
void direct_image(const T* img, int64_t padded_w, const Conv2dShape& s, const int64_t* koff,
                  const T* wt, const T* bias, T* out) {
  constexpr int P = kDirectPixels<NV>;
  constexpr int L = Simd<T>::kLanes;
  const int64_t pixels = s.out_plane();
  T tile[P * NV * L];
  int64_t base[P];
  for (int64_t p0 = 0; p0 < pixels; p0 += P) {
    const int64_t count = std::min<int64_t>(P, pixels - p0);
    for (int p = 0; p < P; ++p) {
      const int64_t pix = p0 + std::min<int64_t>(p, count - 1);  // the tail repeats its last pixel
      base[p] = (pix / s.out_w) * s.stride_h * padded_w + (pix % s.out_w) * s.stride_w;
    }
    direct_tile<T, NV, P>(img, koff, s.col_rows(), wt, base, tile);
    for (int64_t o = 0; o < s.out_channels; ++o) {
      const T b = bias != nullptr ? bias[o] : T(0);
      for (int64_t p = 0; p < count; ++p) out[o * pixels + p0 + p] = tile[p * NV * L + o] + b;
    }
  }
}

// Runs the direct kernel on images [n_begin, n_end) of x (N, C, H, W) into out.
template <typename T>
void direct_conv2d(const T* x, const T* w, const T* bias, const Conv2dShape& s, int64_t n_begin,
                   int64_t n_end, T* out) {
  constexpr int L = Simd<T>::kLanes;
  const int nv = direct_vectors<T>(s);
  const int64_t k_count = s.col_rows(), ob = nv * L;
  const int64_t hp = s.in_h + s.pad_top + s.pad_bottom, wp = s.in_w + s.pad_left + s.pad_right;
  const bool padded = hp != s.in_h || wp != s.in_w;
  // Weights as (K x ob), zero beyond C_out; each tap's offset in the padded image.
  std::vector<T> wt(k_count * ob, T(0));
  std::vector<int64_t> koff(k_count);
  for (int64_t k = 0; k < k_count; ++k) {
    const int64_t kj = k % s.kernel_w, ki = (k / s.kernel_w) % s.kernel_h;
    const int64_t c = k / (s.kernel_w * s.kernel_h);
    koff[k] = (c * hp + ki * s.dilation_h) * wp + kj * s.dilation_w;
    for (int64_t o = 0; o < s.out_channels; ++o) wt[k * ob + o] = w[o * k_count + k];
  }
  std::vector<T> pad(padded ? s.in_channels * hp * wp : 0, T(0));
  for (int64_t n = n_begin; n < n_end; ++n) {
    const T* img = x + n * s.in_channels * s.in_h * s.in_w;
    if (padded) {
      for (int64_t c = 0; c < s.in_channels; ++c) {
        for (int64_t h = 0; h < s.in_h; ++h) {
          std::copy(img + (c * s.in_h + h) * s.in_w, img + (c * s.in_h + h + 1) * s.in_w,
                    pad.data() + (c * hp + h + s.pad_top) * wp + s.pad_left);
        }
      }
      img = pad.data();
    }
    T* o = out + n * s.out_channels * s.out_plane();
    switch (nv) {
      case 1: direct_image<T, 1>(img, wp, s, koff.data(), wt.data(), bias, o); break;
      case 2: direct_image<T, 2>(img, wp, s, koff.data(), wt.data(), bias, o); break;
      case 3: direct_image<T, 3>(img, wp, s, koff.data(), wt.data(), bias, o); break;
      default: direct_image<T, 4>(img, wp, s, koff.data(), wt.data(), bias, o); break;
    }
  }
}

}  // namespace gradekit::cpu
