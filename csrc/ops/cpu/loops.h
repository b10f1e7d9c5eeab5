// Helpers for the CPU kernels' inner loops.
#pragma once

#include <algorithm>
#include <cstdint>

// Hot loops are compiled twice, for x86-64-v3 (AVX2 + FMA) and for the baseline ISA; the
// loader picks the clone that the running CPU supports. A build made on an AVX2 machine thus
// still runs on an older one, and no -march flag is needed.
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__) && \
    __GNUC__ >= 11
#define GRADEKIT_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GRADEKIT_CPU_CLONES
#endif

namespace gradekit::cpu {

// The outputs o in [lo, hi) whose input index o * stride + offset lies in [0, size); with
// padding, the outputs outside that range read padding instead. out is the output count.
struct ValidRange {
  int64_t lo, hi;
};

inline ValidRange valid_range(int64_t offset, int64_t stride, int64_t size, int64_t out) {
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t hi = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
  hi = std::min(hi, out);
  lo = std::min(lo, hi);
  return {lo, hi};
}

}  // namespace gradekit::cpu
