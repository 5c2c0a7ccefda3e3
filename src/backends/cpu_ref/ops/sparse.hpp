// cpu-ref sparse products.
#pragma once

#include <cstdint>

#include "core/csr.hpp"

namespace gcn::ref {

// c (a.rows x width) = a * b, b is (a.cols x width) row-major.
template <typename T>
void spmm(const Csr<T>& a, const T* b, int64_t width, T* c) {
  for (int64_t r = 0; r < a.rows; ++r) {
    T* out = c + r * width;
    for (int64_t j = 0; j < width; ++j) out[j] = T(0);
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      const T* in = b + static_cast<int64_t>(a.col[k]) * width;
      for (int64_t j = 0; j < width; ++j) out[j] += a.val[k] * in[j];
    }
  }
}

// c (a.cols x width) = a^T * b, b is (a.rows x width).
template <typename T>
void spmm_transposed(const Csr<T>& a, const T* b, int64_t width, T* c) {
  for (int64_t i = 0; i < a.cols * width; ++i) c[i] = T(0);
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      T* out = c + static_cast<int64_t>(a.col[k]) * width;
      for (int64_t j = 0; j < width; ++j) out[j] += a.val[k] * b[r * width + j];
    }
}

}  // namespace gcn::ref
