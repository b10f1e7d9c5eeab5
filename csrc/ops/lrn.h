// Local response normalization across channels: sizes and argument checks shared by the CPU
// and CUDA kernels.
//
//   y[c] = x[c] * (k + alpha_eff * sum_{j = c - before}^{c + after} x[j]^2)^(-beta)
//
// with the sum clipped to existing channels. convention='alexnet' (Krizhevsky et al. 2012):
// odd size, before = after = size / 2, alpha_eff = alpha. convention='torch'
// (torch.nn.functional.local_response_norm, Caffe): before = size / 2, after = (size - 1) / 2
// (so even sizes work as in torch), alpha_eff = alpha / size.
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>

namespace gradekit {

struct LrnParams {
  int64_t before, after;  // channels summed below and above c
  double alpha_eff, beta, k;
};

// Checks x (4-D float) and the hyper-parameters; `op` prefixes every message.
LrnParams check_lrn(const char* op, const at::Tensor& x, int64_t size, double alpha,
                    double beta, double k, std::string_view convention);

// check_lrn for lrn_backward, plus grad_out: x's shape, dtype and device.
LrnParams check_lrn_backward(const at::Tensor& grad_out, const at::Tensor& x, int64_t size,
                             double alpha, double beta, double k, std::string_view convention);

}  // namespace gradekit
