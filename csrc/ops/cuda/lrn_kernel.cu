// Local response normalization on CUDA: one thread per element, summing its window of squares
// directly (size loads, coalesced across threads that share a channel). Backward first stores
// each element's k + alpha * window sum, then each thread gathers from the windows it is in.
#include <ATen/AccumulateType.h>
#include <ATen/Dispatch.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/library.h>

#include "../checks.h"
#include "../lrn.h"
#include "launch.cuh"

namespace gradekit::cuda {

namespace {

// k + alpha_eff * (sum of squares over channels [c - before, c + after]) at element i.
template <typename T, typename Acc>
__device__ __forceinline__ Acc window_scale(const T* x, int64_t i, int64_t channels,
                                            int64_t plane, const LrnParams& w) {
  const int64_t c = (i / plane) % channels;
  const T* first = x + (i - c * plane);  // channel 0 of this image and pixel
  const int64_t lo = c - w.before < 0 ? 0 : c - w.before;
  const int64_t hi = c + w.after >= channels ? channels - 1 : c + w.after;
  Acc sum = 0;
  for (int64_t j = lo; j <= hi; ++j) {
    const Acc v = first[j * plane];
    sum += v * v;
  }
  return Acc(w.k) + Acc(w.alpha_eff) * sum;
}

template <typename T>
__global__ void lrn_forward_kernel(const T* x, T* y, int64_t total, int64_t channels,
                                   int64_t plane, LrnParams w) {
  using Acc = at::acc_type<T, true>;
  GRADEKIT_CUDA_LOOP(i, total) {
    const Acc s = window_scale<T, Acc>(x, i, channels, plane, w);
    y[i] = static_cast<T>(Acc(x[i]) * pow(s, Acc(-w.beta)));
  }
}

template <typename T>
__global__ void lrn_scale_kernel(const T* x, at::acc_type<T, true>* scale, int64_t total,
                                 int64_t channels, int64_t plane, LrnParams w) {
  using Acc = at::acc_type<T, true>;
  GRADEKIT_CUDA_LOOP(i, total) { scale[i] = window_scale<T, Acc>(x, i, channels, plane, w); }
}

// dx[j] = g[j] s[j]^-beta - 2 alpha_eff beta x[j] sum_{c in [j - after, j + before]} g[c] x[c] s[c]^(-beta-1)
template <typename T>
__global__ void lrn_gradient_kernel(const T* g, const T* x, const at::acc_type<T, true>* scale,
                                    T* gx, int64_t total, int64_t channels, int64_t plane,
                                    LrnParams w) {
  using Acc = at::acc_type<T, true>;
  GRADEKIT_CUDA_LOOP(i, total) {
    const int64_t j = (i / plane) % channels;
    const int64_t first = i - j * plane;
    const int64_t lo = j - w.after < 0 ? 0 : j - w.after;
    const int64_t hi = j + w.before >= channels ? channels - 1 : j + w.before;
    Acc sum = 0;
    for (int64_t c = lo; c <= hi; ++c) {
      const int64_t e = first + c * plane;
      sum += Acc(g[e]) * Acc(x[e]) * pow(scale[e], Acc(-w.beta - 1));
    }
    const Acc direct = Acc(g[i]) * pow(scale[i], Acc(-w.beta));
    gx[i] = static_cast<T>(direct - Acc(2 * w.alpha_eff * w.beta) * Acc(x[i]) * sum);
  }
}

at::Tensor lrn_kernel(const at::Tensor& x_in, int64_t size, double alpha, double beta, double k,
                      c10::string_view convention) {
  const auto w = check_lrn("lrn", x_in, size, alpha, beta, k, convention);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const auto x = x_in.contiguous();
  auto y = at::empty_like(x, at::MemoryFormat::Contiguous);
  if (x.numel() == 0) return y;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn_cuda", [&] {
    lrn_forward_kernel<scalar_t><<<blocks_for(x.numel()), kThreads, 0, stream()>>>(
        x.const_data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), x.numel(), x.size(1),
        x.size(2) * x.size(3), w);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return y;
}

at::Tensor lrn_backward_kernel(const at::Tensor& grad_out, const at::Tensor& x_in, int64_t size,
                               double alpha, double beta, double k, c10::string_view convention) {
  const auto w = check_lrn_backward(grad_out, x_in, size, alpha, beta, k, convention);
  const c10::cuda::CUDAGuard guard(x_in.device());
  const auto x = x_in.contiguous();
  const auto g = grad_out.contiguous();
  auto gx = at::empty_like(x, at::MemoryFormat::Contiguous);
  if (x.numel() == 0) return gx;
  const int64_t channels = x.size(1), plane = x.size(2) * x.size(3);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lrn_backward_cuda", [&] {
    using Acc = at::acc_type<scalar_t, true>;
    auto scale = at::empty({x.numel()}, x.options().dtype(c10::CppTypeToScalarType<Acc>::value));
    lrn_scale_kernel<scalar_t><<<blocks_for(x.numel()), kThreads, 0, stream()>>>(
        x.const_data_ptr<scalar_t>(), scale.data_ptr<Acc>(), x.numel(), channels, plane, w);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    lrn_gradient_kernel<scalar_t><<<blocks_for(x.numel()), kThreads, 0, stream()>>>(
        g.const_data_ptr<scalar_t>(), x.const_data_ptr<scalar_t>(), scale.const_data_ptr<Acc>(),
        gx.data_ptr<scalar_t>(), x.numel(), channels, plane, w);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return gx;
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, CUDA, m) {
  m.impl("lrn", &lrn_kernel);
  m.impl("lrn_backward", &lrn_backward_kernel);
}

}  // namespace gradekit::cuda
