// What max, min and average pooling do to one window, shared by the CPU and CUDA kernels.
//
// Max and min follow torch's max pool: padding never wins (it acts as -inf for max, +inf for
// min), the first extreme in window order wins ties, and NaN wins over numbers (the last NaN,
// as in torch, so that gradients land where torch puts them).
#pragma once

#include <limits>

#include "host_device.h"

namespace gradekit {

struct MaxReducer {
  static constexpr bool kPicks = true;  // the result is one of the window's values
  template <typename T>
  GRADEKIT_HOST_DEVICE static T identity() { return -std::numeric_limits<T>::infinity(); }
  // Whether window value v replaces the current pick `best`.
  template <typename T>
  GRADEKIT_HOST_DEVICE static bool takes(T v, T best) { return (v > best) | (v != v); }
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine(T best, T v) { return takes(v, best) ? v : best; }
  // For windows known to hold no NaN: one max instruction instead of compare, test and blend.
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine_numbers(T best, T v) { return v > best ? v : best; }
};

struct MinReducer {
  static constexpr bool kPicks = true;
  template <typename T>
  GRADEKIT_HOST_DEVICE static T identity() { return std::numeric_limits<T>::infinity(); }
  template <typename T>
  GRADEKIT_HOST_DEVICE static bool takes(T v, T best) { return (v < best) | (v != v); }
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine(T best, T v) { return takes(v, best) ? v : best; }
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine_numbers(T best, T v) { return v < best ? v : best; }
};

// Sums the window; the kernel divides by kernel_h * kernel_w afterwards (padding counts, as
// with torch's count_include_pad=True).
struct SumReducer {
  static constexpr bool kPicks = false;
  template <typename T>
  GRADEKIT_HOST_DEVICE static T identity() { return T(0); }
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine(T acc, T v) { return acc + v; }
  template <typename T>
  GRADEKIT_HOST_DEVICE static T combine_numbers(T acc, T v) { return acc + v; }
};

// The three pooling ops: what reduces a window, and the names their messages use.
struct MaxPool {
  using Reducer = MaxReducer;
  static constexpr const char* kName = "max_pool2d";
  static constexpr const char* kBackwardName = "max_pool2d_backward";
};

struct MinPool {
  using Reducer = MinReducer;
  static constexpr const char* kName = "min_pool2d";
  static constexpr const char* kBackwardName = "min_pool2d_backward";
};

struct AvgPool {
  using Reducer = SumReducer;
  static constexpr const char* kName = "avg_pool2d";
  static constexpr const char* kBackwardName = "avg_pool2d_backward";
};

}  // namespace gradekit
