// Direct (implicit-GEMM) convolution: every output pixel's receptive field is read straight from
// the zero-padded image into a register tile of [P pixels x a block of output channels], so no
// im2col matrix is written and read back. GCC's vector extensions express the tile; the
// x86-64-v3 clone runs it as AVX2 FMAs. On this course's layers it beats im2col + MKL's sgemm
// (by 10-40% on AlexNet/VGG, 2x on LeNet-5's C1 and C3).
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

// Output channels are processed in blocks of NV vectors of lanes (weights zero-padded to fill
// the last block): all of them in one block when they fit 4 vectors, else blocks of 2 vectors.
template <typename T>
int direct_vectors(const Conv2dShape& s) {
  const int64_t needed = (s.out_channels + Simd<T>::kLanes - 1) / Simd<T>::kLanes;
  return needed <= 4 ? static_cast<int>(needed) : 2;
}

// tile[p][o] (+)= sum_k wt[k][o] * img[koff[k] + base[p]] for P pixels and NV * lanes channels;
// with `accumulate`, the sums continue those already in tile.
template <typename T, int NV, int P>
GRADEKIT_CPU_CLONES void direct_tile(const T* img, const int64_t* koff, int64_t k_count,
                                     const T* wt, const int64_t* base, bool accumulate, T* tile) {
  using V = typename Simd<T>::V;
  constexpr int L = Simd<T>::kLanes;
  V acc[P][NV] = {};
  if (accumulate) {
    for (int p = 0; p < P; ++p) {
      for (int j = 0; j < NV; ++j) std::memcpy(&acc[p][j], tile + (p * NV + j) * L, sizeof(V));
    }
  }
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

// Blocking, as in a BLAS: pixels are taken in groups whose partial sums stay in cache, and the
// taps in chunks whose weights (32 KB) stay in L1/L2 while every tile of the group uses them.
// (Tuned on AlexNet, VGG16 and LeNet-5 layers; 8-64 KB and groups of 120-480 were tried.)
constexpr int64_t kPixelGroup = 240;  // a multiple of every tile width
constexpr int64_t kWeightChunkBytes = 32 * 1024;

// Output channels [o0, o0 + count) of one image: out (C_out x OH*OW) from img (C_in x Hp x Wp,
// already padded) and this block's weights wt (K x NV*lanes); bias optional. `sums` holds
// kPixelGroup x NV*lanes partial sums.
template <typename T, int NV>
void direct_block(const T* img, int64_t padded_w, const Conv2dShape& s, const int64_t* koff,
                  const T* wt, int64_t o0, int64_t count, const T* bias, T* out, T* sums) {
  constexpr int P = kDirectPixels<NV>;
  constexpr int64_t OB = NV * Simd<T>::kLanes;
  const int64_t pixels = s.out_plane(), k_count = s.col_rows();
  const int64_t chunk = std::max<int64_t>(1, kWeightChunkBytes / int64_t(OB * sizeof(T)));
  int64_t base[P];
  for (int64_t g0 = 0; g0 < pixels; g0 += kPixelGroup) {
    const int64_t g1 = std::min(g0 + kPixelGroup, pixels);
    for (int64_t k0 = 0; k0 < k_count; k0 += chunk) {
      const int64_t kc = std::min(chunk, k_count - k0);
      for (int64_t p0 = g0; p0 < g1; p0 += P) {
        for (int p = 0; p < P; ++p) {
          const int64_t pix = std::min<int64_t>(p0 + p, g1 - 1);  // the tail repeats its last pixel
          base[p] = (pix / s.out_w) * s.stride_h * padded_w + (pix % s.out_w) * s.stride_w;
        }
        direct_tile<T, NV, P>(img, koff + k0, kc, wt + k0 * OB, base, k0 > 0,
                              sums + (p0 - g0) * OB);
      }
    }
    for (int64_t o = 0; o < count; ++o) {
      const T b = bias != nullptr ? bias[o0 + o] : T(0);
      T* row = out + (o0 + o) * pixels;
      for (int64_t p = g0; p < g1; ++p) row[p] = sums[(p - g0) * OB + o] + b;
    }
  }
}

// The work of a direct convolution, split into (image, block of output channels) items.
template <typename T>
class DirectConv {
 public:
  DirectConv(const T* w, const Conv2dShape& s)
      : s_(s), nv_(direct_vectors<T>(s)), ob_(nv_ * Simd<T>::kLanes),
        blocks_((s.out_channels + ob_ - 1) / ob_), hp_(s.in_h + s.pad_top + s.pad_bottom),
        wp_(s.in_w + s.pad_left + s.pad_right), wt_(blocks_ * s.col_rows() * ob_, T(0)),
        koff_(s.col_rows()) {
    const int64_t k_count = s.col_rows();
    for (int64_t k = 0; k < k_count; ++k) {
      const int64_t kj = k % s.kernel_w, ki = (k / s.kernel_w) % s.kernel_h;
      const int64_t c = k / (s.kernel_w * s.kernel_h);
      koff_[k] = (c * hp_ + ki * s.dilation_h) * wp_ + kj * s.dilation_w;
    }
    // Per block, the weights transposed to (K x ob), zero beyond C_out.
    for (int64_t o = 0; o < s.out_channels; ++o) {
      T* block = wt_.data() + (o / ob_) * k_count * ob_;
      for (int64_t k = 0; k < k_count; ++k) block[k * ob_ + o % ob_] = w[o * k_count + k];
    }
  }

  int64_t items() const { return s_.batch * blocks_; }

  // Items [begin, end): item i is image i / blocks, output-channel block i % blocks.
  void run(const T* x, const T* bias, int64_t begin, int64_t end, T* out) const {
    const bool padded = hp_ != s_.in_h || wp_ != s_.in_w;
    std::vector<T> pad(padded ? s_.in_channels * hp_ * wp_ : 0, T(0));
    // Room for a whole last tile past the group's end, whose extra pixels are never stored.
    std::vector<T> sums((kPixelGroup + 8) * ob_);
    int64_t padded_image = -1;
    for (int64_t i = begin; i < end; ++i) {
      const int64_t n = i / blocks_, blk = i % blocks_;
      const T* img = x + n * s_.in_channels * s_.in_h * s_.in_w;
      if (padded) {
        if (padded_image != n) pad_image(img, pad.data());
        padded_image = n;
        img = pad.data();
      }
      const int64_t o0 = blk * ob_, count = std::min(ob_, s_.out_channels - o0);
      const T* wt = wt_.data() + blk * s_.col_rows() * ob_;
      T* o = out + n * s_.out_channels * s_.out_plane();
      switch (nv_) {
        case 1: direct_block<T, 1>(img, wp_, s_, koff_.data(), wt, o0, count, bias, o, sums.data()); break;
        case 2: direct_block<T, 2>(img, wp_, s_, koff_.data(), wt, o0, count, bias, o, sums.data()); break;
        case 3: direct_block<T, 3>(img, wp_, s_, koff_.data(), wt, o0, count, bias, o, sums.data()); break;
        default: direct_block<T, 4>(img, wp_, s_, koff_.data(), wt, o0, count, bias, o, sums.data()); break;
      }
    }
  }

 private:
  void pad_image(const T* img, T* pad) const {
    for (int64_t c = 0; c < s_.in_channels; ++c) {
      for (int64_t h = 0; h < s_.in_h; ++h) {
        std::copy(img + (c * s_.in_h + h) * s_.in_w, img + (c * s_.in_h + h + 1) * s_.in_w,
                  pad + (c * hp_ + h + s_.pad_top) * wp_ + s_.pad_left);
      }
    }
  }

  const Conv2dShape& s_;
  int nv_;
  int64_t ob_, blocks_, hp_, wp_;
  std::vector<T> wt_;
  std::vector<int64_t> koff_;
};

}  // namespace gradekit::cpu
