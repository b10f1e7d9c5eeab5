// Argument checks shared by every op and backend. Each failure names the op, the argument and
// the value it got, because students read these messages, not the source.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace gradekit {

// "(0, 1)" for {0, 1}: how the Python API spells a pair.
std::string tuple_str(at::IntArrayRef values);

// "torch.float32" for kFloat: how Python users know dtypes.
std::string dtype_str(at::ScalarType dtype);

// x is a defined 4-D float32/float64 tensor (half, bfloat16 and integer tensors are refused).
void check_nchw_float(const char* op, const char* name, const at::Tensor& t);

// `other` has the dtype and device of `ref`.
void check_same_dtype_device(const char* op, const char* name, const at::Tensor& other,
                             const char* ref_name, const at::Tensor& ref);

// Every value of `values` is >= `min`, e.g. "conv2d: stride must be >= 1, got stride=(0, 1)".
void check_all_at_least(const char* op, const char* name, at::IntArrayRef values, int64_t min);

// A list argument has exactly `count` values.
void check_length(const char* op, const char* name, at::IntArrayRef values, size_t count);

// `t` has exactly the shape `expected` (used for gradients handed to backward ops).
void check_shape(const char* op, const char* name, const at::Tensor& t, at::IntArrayRef expected);

// The layout an op works in for input `x`: channels-last only when x is stored that way and
// not also plain contiguous (a tensor with C == 1 or H == W == 1 is both). The Python fake
// kernels apply the same rule, so fake and real outputs have the same strides.
at::MemoryFormat working_memory_format(const at::Tensor& x);

}  // namespace gradekit
