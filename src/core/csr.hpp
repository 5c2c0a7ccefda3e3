// Compressed sparse row matrix. Row offsets are 64-bit so that graphs past 2^31 stored entries
// (10^9-edge graphs) fit; column indices are 32-bit because node and feature counts stay
// below 2^31 and half-width indices halve the bytes every SpMM must stream.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace gcn {

template <typename T>
struct Csr {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<int64_t> row_ptr;  // rows + 1 entries
  std::vector<int32_t> col;      // nnz entries, ascending within a row
  std::vector<T> val;            // nnz entries

  int64_t nnz() const { return static_cast<int64_t>(col.size()); }
};

// Transpose in O(nnz + rows + cols) by counting sort; columns stay ascending within each row.
template <typename T>
Csr<T> transpose(const Csr<T>& a) {
  Csr<T> t;
  t.rows = a.cols;
  t.cols = a.rows;
  t.row_ptr.assign(static_cast<size_t>(a.cols) + 1, 0);
  for (int32_t c : a.col) ++t.row_ptr[static_cast<size_t>(c) + 1];
  for (int64_t i = 0; i < a.cols; ++i) t.row_ptr[i + 1] += t.row_ptr[i];
  t.col.resize(a.col.size());
  t.val.resize(a.val.size());
  std::vector<int64_t> next(t.row_ptr.begin(), t.row_ptr.end() - 1);
  for (int64_t r = 0; r < a.rows; ++r) {
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      const int64_t dst = next[a.col[k]]++;
      t.col[dst] = static_cast<int32_t>(r);
      t.val[dst] = a.val[k];
    }
  }
  return t;
}

template <typename T>
Matrix<T> to_dense(const Csr<T>& a, const char* what = "dense matrix", const char* hint = "") {
  Matrix<T> d;
  d.rows = a.rows;
  d.cols = a.cols;
  d.data.assign(checked_element_count(a.rows, a.cols, sizeof(T), what, hint), T(0));
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) d(r, a.col[k]) = a.val[k];
  return d;
}

template <typename To, typename From>
Csr<To> cast_csr(const Csr<From>& a) {
  Csr<To> out;
  out.rows = a.rows;
  out.cols = a.cols;
  out.row_ptr = a.row_ptr;
  out.col = a.col;
  out.val.assign(a.val.begin(), a.val.end());
  return out;
}

}  // namespace gcn
