// Helpers for the CPU kernels' inner loops.
#pragma once

#include <ATen/Parallel.h>

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

// Work (elements touched, roughly) below which a parallel loop runs on the calling thread.
// Waking a second OpenMP thread and joining it costs some microseconds, and far more when the
// other core is busy and the thread must wait to be scheduled; under this much work (tens of
// microseconds on one core) a fork cannot save more than it costs.
constexpr int64_t kMinParallelWork = int64_t(1) << 16;

// at::parallel_for over [begin, end) where each index is about `work_per_item` elements of
// work: a thread gets at least kMinParallelWork of it, so small inputs stay on one thread.
template <typename F>
inline void parallel_for_work(int64_t begin, int64_t end, int64_t work_per_item, const F& f) {
  const int64_t grain = std::max<int64_t>(1, kMinParallelWork / std::max<int64_t>(1, work_per_item));
  at::parallel_for(begin, end, grain, f);
}

}  // namespace gradekit::cpu
