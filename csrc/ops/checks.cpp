#include "checks.h"

#include <c10/util/Exception.h>

#include <sstream>

namespace gradekit {

std::string tuple_str(at::IntArrayRef values) {
  std::ostringstream out;
  out << "(";
  for (size_t i = 0; i < values.size(); ++i) {
    out << (i ? ", " : "") << values[i];
  }
  out << ")";
  return out.str();
}

std::string dtype_str(at::ScalarType dtype) {
  switch (dtype) {
    case at::kFloat: return "torch.float32";
    case at::kDouble: return "torch.float64";
    case at::kHalf: return "torch.float16";
    case at::kBFloat16: return "torch.bfloat16";
    case at::kLong: return "torch.int64";
    case at::kInt: return "torch.int32";
    case at::kShort: return "torch.int16";
    case at::kChar: return "torch.int8";
    case at::kByte: return "torch.uint8";
    case at::kBool: return "torch.bool";
    default: return std::string("torch.") + c10::toString(dtype);
  }
}

void check_nchw_float(const char* op, const char* name, const at::Tensor& t) {
  TORCH_CHECK(t.defined(), op, ": ", name, " is an undefined tensor");
  TORCH_CHECK(t.dim() == 4, op, ": ", name, " must be a 4-D NCHW tensor, got a ", t.dim(),
              "-D tensor of shape ", tuple_str(t.sizes()));
  const auto dtype = t.scalar_type();
  TORCH_CHECK(dtype == at::kFloat || dtype == at::kDouble, op, ": ", name,
              " must be float32 or float64, got ", name, ".dtype=", dtype_str(dtype),
              " (half, bfloat16 and integer tensors are not supported)");
}

void check_same_dtype_device(const char* op, const char* name, const at::Tensor& other,
                             const char* ref_name, const at::Tensor& ref) {
  TORCH_CHECK(other.scalar_type() == ref.scalar_type(), op, ": ", name, " and ", ref_name,
              " must have the same dtype, got ", name, ".dtype=", dtype_str(other.scalar_type()),
              " and ", ref_name, ".dtype=", dtype_str(ref.scalar_type()));
  TORCH_CHECK(other.device() == ref.device(), op, ": ", name, " and ", ref_name,
              " must be on the same device, got ", name, ".device=", other.device(), " and ",
              ref_name, ".device=", ref.device());
}

void check_all_at_least(const char* op, const char* name, at::IntArrayRef values, int64_t min) {
  for (auto v : values) {
    TORCH_CHECK(v >= min, op, ": ", name, " must be >= ", min, ", got ", name, "=",
                tuple_str(values));
  }
}

void check_length(const char* op, const char* name, at::IntArrayRef values, size_t count) {
  TORCH_CHECK(values.size() == count, op, ": ", name, " must have ", count, " values, got ", name,
              "=", tuple_str(values));
}

void check_shape(const char* op, const char* name, const at::Tensor& t, at::IntArrayRef expected) {
  TORCH_CHECK(t.sizes() == expected, op, ": ", name, " must have shape ", tuple_str(expected),
              ", got ", tuple_str(t.sizes()));
}

at::MemoryFormat working_memory_format(const at::Tensor& x) {
  if (x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return at::MemoryFormat::ChannelsLast;
  }
  return at::MemoryFormat::Contiguous;
}

}  // namespace gradekit
