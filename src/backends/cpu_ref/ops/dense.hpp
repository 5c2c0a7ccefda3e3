// cpu-ref dense products (row-major).
#pragma once

#include <cstdint>

namespace gcn::ref {

// c (m x n) = a (m x k) * b (k x n).
template <typename T>
void gemm(const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) c[i * n + j] = T(0);
    for (int64_t p = 0; p < k; ++p) {
      const T a_ip = a[i * k + p];
      for (int64_t j = 0; j < n; ++j) c[i * n + j] += a_ip * b[p * n + j];
    }
  }
}

// c (k x n) = a^T * b with a (m x k), b (m x n).
template <typename T>
void gemm_at_b(const T* a, const T* b, T* c, int64_t m, int64_t k, int64_t n) {
  for (int64_t i = 0; i < k * n; ++i) c[i] = T(0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t p = 0; p < k; ++p) {
      const T a_rp = a[r * k + p];
      for (int64_t j = 0; j < n; ++j) c[p * n + j] += a_rp * b[r * n + j];
    }
}

// c (m x k) = a * b^T with a (m x n), b (k x n).
template <typename T>
void gemm_a_bt(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p) {
      T sum = T(0);
      for (int64_t j = 0; j < n; ++j) sum += a[i * n + j] * b[p * n + j];
      c[i * k + p] = sum;
    }
}

}  // namespace gcn::ref
