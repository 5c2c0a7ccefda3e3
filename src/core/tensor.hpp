// Dense row-major matrix. Deliberately minimal: a shape and a contiguous buffer, so kernels
// see plain pointers and leading dimensions, as BLAS does.
#pragma once

#include <cstdint>
#include <vector>

#include "core/memory.hpp"

namespace gcn {

template <typename T>
struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<T> data;

  Matrix() = default;
  Matrix(int64_t num_rows, int64_t num_cols, T fill = T(0))
      : rows(num_rows), cols(num_cols),
        data(checked_element_count(num_rows, num_cols, sizeof(T), "matrix"), fill) {}

  T& operator()(int64_t r, int64_t c) { return data[static_cast<size_t>(r * cols + c)]; }
  const T& operator()(int64_t r, int64_t c) const { return data[static_cast<size_t>(r * cols + c)]; }
  T* row(int64_t r) { return data.data() + r * cols; }
  const T* row(int64_t r) const { return data.data() + r * cols; }
  int64_t size() const { return rows * cols; }
};

template <typename To, typename From>
Matrix<To> cast_matrix(const Matrix<From>& m) {
  Matrix<To> out(m.rows, m.cols);
  for (size_t i = 0; i < m.data.size(); ++i) out.data[i] = static_cast<To>(m.data[i]);
  return out;
}

}  // namespace gcn
