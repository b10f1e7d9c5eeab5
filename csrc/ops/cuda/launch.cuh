// Launch helpers shared by the CUDA kernels: one thread per element, grid-stride loops.
#pragma once

// c10's stream header, not ATen/cuda/CUDAContext.h: that one needs the cuBLAS and cuSPARSE
// headers, which a bare CUDA toolkit may lack, and the kernels call cuBLAS only through at::mm.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdint>

namespace gradekit::cuda {

constexpr int kThreads = 256;

// Enough blocks for one thread per element, capped; the grid-stride loop covers the rest.
inline unsigned int blocks_for(int64_t n) {
  return static_cast<unsigned int>(std::clamp<int64_t>((n + kThreads - 1) / kThreads, 1, 1 << 20));
}

inline cudaStream_t stream() { return c10::cuda::getCurrentCUDAStream(); }

}  // namespace gradekit::cuda

#define GRADEKIT_CUDA_LOOP(i, n)                                                   \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);        \
       i += int64_t(blockDim.x) * gridDim.x)
