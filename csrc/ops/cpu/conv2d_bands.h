// How the CPU conv2d splits its work into bands, one im2col matrix and one matrix product each.
//
// A band is one group of channels and either a run of output rows of one image (large
// images) or several whole images side by side (small ones: LeNet, AlexNet's 13x13 layers), so
// that every product is long enough for BLAS to run near its peak.
#pragma once

#include <ATen/core/Tensor.h>

#include <algorithm>

#include "../conv2d.h"

namespace gradekit::cpu {

// Elements of one im2col band at most: 2M (8 MB in float32) holds a whole image for most
// layers of AlexNet and VGG, and two threads' bands still fit the last-level cache.
constexpr int64_t kBandElements = int64_t(1) << 20;

// Below this many multiply-adds a pass runs on the calling thread: waking the other threads
// would cost more than it saves (and far more on a busy machine).
constexpr int64_t kParallelMacs = int64_t(1) << 20;

struct Band {
  int64_t n_begin, n_end, g, oh_begin, oh_end;

  int64_t images() const { return n_end - n_begin; }
  int64_t cols(const Conv2dShape& s) const { return images() * (oh_end - oh_begin) * s.out_w; }
};

struct BandPlan {
  int64_t images;     // images per band
  int64_t rows;       // output rows per band (all of them when images > 1)
  int64_t per_image;  // row bands per image (1 when images > 1)
  int64_t blocks;     // blocks of `images` images
  int64_t count;      // bands in all: blocks * groups * per_image
  bool threaded;      // whether the pass is worth running on several threads
  const Conv2dShape& s;

  explicit BandPlan(const Conv2dShape& shape) : s(shape) {
    const int64_t per_image_elements = std::max<int64_t>(1, s.col_rows() * s.out_plane());
    if (per_image_elements <= kBandElements) {
      images = std::clamp<int64_t>(kBandElements / per_image_elements, 1, std::max<int64_t>(1, s.batch));
      blocks = (s.batch + images - 1) / images;
      images = blocks > 0 ? (s.batch + blocks - 1) / blocks : 1;  // equal blocks
      rows = s.out_h;
      per_image = 1;
    } else {
      const int64_t max_rows = std::max<int64_t>(1, kBandElements / (s.col_rows() * s.out_w));
      per_image = (s.out_h + max_rows - 1) / max_rows;
      rows = (s.out_h + per_image - 1) / per_image;  // equal heights, no thin last band
      images = 1;
      blocks = s.batch;
    }
    count = blocks * s.groups * per_image;
    threaded = s.batch * s.out_channels * s.out_plane() * s.col_rows() >= kParallelMacs;
  }

  // Band i: row bands vary fastest, then groups, then image blocks.
  Band at(int64_t i) const {
    const int64_t row_band = i % per_image, g = (i / per_image) % s.groups;
    const int64_t block = i / (per_image * s.groups);
    const int64_t n0 = block * images, oh0 = row_band * rows;
    return {n0, std::min(n0 + images, s.batch), g, oh0, std::min(oh0 + rows, s.out_h)};
  }

  int64_t band_elements() const { return s.is_pointwise() ? 0 : s.col_rows() * images * rows * s.out_w; }
};

// The channels of group g of an NCHW tensor t (output-shaped, or x of a pointwise conv), over
// the band's pixels, as a [channels, band columns] matrix to read. One image: a view that BLAS
// reads in place (leading dimension H*W). Several images: a gathered copy.
inline at::Tensor band_input(const at::Tensor& t, int64_t channels, const Band& b) {
  const int64_t plane = t.size(2) * t.size(3), width = t.size(3);
  if (b.images() == 1) {
    return t.select(0, b.n_begin)
        .view({t.size(1), plane})
        .narrow(0, b.g * channels, channels)
        .narrow(1, b.oh_begin * width, (b.oh_end - b.oh_begin) * width);
  }
  return t.narrow(0, b.n_begin, b.images())
      .view({b.images(), t.size(1), plane})
      .narrow(1, b.g * channels, channels)
      .transpose(0, 1)
      .reshape({channels, b.images() * plane});
}

// The same matrix to write: the view itself for one image, else a scratch matrix that
// store_band_output then copies into t.
inline at::Tensor band_output(const at::Tensor& t, int64_t channels, const Band& b) {
  if (b.images() == 1) return band_input(t, channels, b);
  return at::empty({channels, b.images() * t.size(2) * t.size(3)}, t.options());
}

inline void store_band_output(at::Tensor& t, int64_t channels, const Band& b, const at::Tensor& m) {
  if (b.images() == 1) return;  // m is a view of t
  const int64_t plane = t.size(2) * t.size(3);
  t.narrow(0, b.n_begin, b.images())
      .view({b.images(), t.size(1), plane})
      .narrow(1, b.g * channels, channels)
      .copy_(m.view({channels, b.images(), plane}).transpose(0, 1));
}

}  // namespace gradekit::cpu
