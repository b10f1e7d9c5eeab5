// im2col and its adjoint col2im for one image and one group of channels, over a band of output
// rows, as Caffe lowers a convolution to a matrix product.
//
// The column matrix has one row per (channel c, kernel row ki, kernel column kj) and one column
// per output pixel of the band [oh_begin, oh_end): col[(c*kH + ki)*kW + kj][(oh - oh_begin)*OW + ow]
// = x[c][oh*sH - pad_top + ki*dH][ow*sW - pad_left + kj*dW], zero where that falls in padding.
// Rows are `ld` apart, so several images can sit side by side in one matrix. Channels
// [c_begin, c_end) are done, so callers can split the work across threads.
#pragma once

#include "../conv2d.h"
#include "loops.h"

namespace gradekit::cpu {

template <typename T>
GRADEKIT_CPU_CLONES void im2col(const T* x, const Conv2dShape& s, int64_t oh_begin,
                                int64_t oh_end, int64_t c_begin, int64_t c_end, T* col,
                                int64_t ld) {
  for (int64_t c = c_begin; c < c_end; ++c) {
    const T* plane = x + c * s.in_h * s.in_w;
    for (int64_t ki = 0; ki < s.kernel_h; ++ki) {
      for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
        T* dst = col + ((c * s.kernel_h + ki) * s.kernel_w + kj) * ld;
        const int64_t off_w = kj * s.dilation_w - s.pad_left;
        const auto r = valid_range(off_w, s.stride_w, s.in_w, s.out_w);
        for (int64_t oh = oh_begin; oh < oh_end; ++oh, dst += s.out_w) {
          const int64_t ih = oh * s.stride_h - s.pad_top + ki * s.dilation_h;
          if (ih < 0 || ih >= s.in_h) {
            std::fill(dst, dst + s.out_w, T(0));
            continue;
          }
          const T* row = plane + ih * s.in_w;
          std::fill(dst, dst + r.lo, T(0));
          // One loop for every stride: with stride 1 written out, GCC turns it into a memmove
          // call, whose overhead dominates the short rows of small images (LeNet's 10 pixels).
          for (int64_t ow = r.lo; ow < r.hi; ++ow) dst[ow] = row[ow * s.stride_w + off_w];
          std::fill(dst + r.hi, dst + s.out_w, T(0));
        }
      }
    }
  }
}

// Adds every column entry back onto the input pixel it was copied from (the adjoint of im2col).
template <typename T>
GRADEKIT_CPU_CLONES void col2im_add(const T* col, const Conv2dShape& s, int64_t oh_begin,
                                    int64_t oh_end, int64_t c_begin, int64_t c_end, int64_t ld,
                                    T* x) {
  for (int64_t c = c_begin; c < c_end; ++c) {
    T* plane = x + c * s.in_h * s.in_w;
    for (int64_t ki = 0; ki < s.kernel_h; ++ki) {
      for (int64_t kj = 0; kj < s.kernel_w; ++kj) {
        const T* src = col + ((c * s.kernel_h + ki) * s.kernel_w + kj) * ld;
        const int64_t off_w = kj * s.dilation_w - s.pad_left;
        const auto r = valid_range(off_w, s.stride_w, s.in_w, s.out_w);
        for (int64_t oh = oh_begin; oh < oh_end; ++oh, src += s.out_w) {
          const int64_t ih = oh * s.stride_h - s.pad_top + ki * s.dilation_h;
          if (ih < 0 || ih >= s.in_h) continue;
          T* row = plane + ih * s.in_w;
          for (int64_t ow = r.lo; ow < r.hi; ++ow) row[ow * s.stride_w + off_w] += src[ow];
        }
      }
    }
  }
}

}  // namespace gradekit::cpu
