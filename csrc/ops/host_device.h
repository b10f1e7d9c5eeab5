// Marks small helpers that both the C++ and the CUDA kernels call.
#pragma once

#ifdef __CUDACC__
#define GRADEKIT_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define GRADEKIT_HOST_DEVICE inline
#endif
