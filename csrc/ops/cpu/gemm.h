// c (+)= a @ b for the conv2d kernel: BLAS (at::mm) for real work, plain loops for tiny products.
//
// Tiny products are the common case in tests and small student inputs; BLAS may wake its
// threads for them, and on a busy machine waiting for a descheduled thread costs milliseconds
// per call where the loops below take microseconds.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/ops/mm.h>

#include "loops.h"

namespace gradekit::cpu {

// c[i][j] (+)= sum_p a(i, p) * b[p][j]; a is read through strides, b and c rows are contiguous.
template <typename T>
GRADEKIT_CPU_CLONES void gemm_rows(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_row,
                                   int64_t a_col, const T* b, int64_t ldb, T* c, int64_t ldc,
                                   bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    T* ci = c + i * ldc;
    if (!accumulate) std::fill(ci, ci + n, T(0));
    for (int64_t p = 0; p < k; ++p) {
      const T aip = a[i * a_row + p * a_col];
      const T* bp = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) ci[j] += aip * bp[j];
    }
  }
}

// c[i][j] (+)= sum_p a[i][p] * bt[j][p]: b given transposed, so each entry is a dot product of
// two contiguous rows.
template <typename T>
GRADEKIT_CPU_CLONES void gemm_dots(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                                   const T* bt, int64_t ldbt, T* c, int64_t ldc, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      T sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t p = 0; p < k; ++p) sum += a[i * lda + p] * bt[j * ldbt + p];
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
  }
}

// Whether t's rows (columns) are contiguous. A dimension of size 1 has no meaningful stride:
// views of it (a band of several images of one channel and one pixel) carry any value there.
inline bool rows_contiguous(const at::Tensor& t) { return t.stride(1) == 1 || t.size(1) == 1; }
inline bool columns_contiguous(const at::Tensor& t) { return t.stride(0) == 1 || t.size(0) == 1; }

// c (+)= a @ b for 2-D tensors whose rows of c are contiguous; `tiny` picks the loops.
template <typename T>
void gemm(const at::Tensor& a, const at::Tensor& b_in, at::Tensor& c, bool accumulate, bool tiny) {
  if (!tiny) {
    if (accumulate) {
      c.addmm_(a, b_in);
    } else {
      at::mm_out(c, a, b_in);
    }
    return;
  }
  TORCH_INTERNAL_ASSERT(rows_contiguous(c), "gemm: rows of c must be contiguous");
  // The loops read b by rows, or by columns when a's rows are contiguous; any other layout
  // (rare and tiny here) is copied first.
  const bool by_columns = columns_contiguous(b_in) && rows_contiguous(a);
  const at::Tensor b = rows_contiguous(b_in) || by_columns ? b_in : b_in.contiguous();
  const int64_t m = c.size(0), n = c.size(1), k = a.size(1);
  if (rows_contiguous(b)) {
    gemm_rows(m, n, k, a.const_data_ptr<T>(), a.stride(0), a.stride(1), b.const_data_ptr<T>(),
              b.stride(0), c.data_ptr<T>(), c.stride(0), accumulate);
  } else {
    gemm_dots(m, n, k, a.const_data_ptr<T>(), a.stride(0), b.const_data_ptr<T>(), b.stride(1),
              c.data_ptr<T>(), c.stride(0), accumulate);
  }
}

}  // namespace gradekit::cpu
