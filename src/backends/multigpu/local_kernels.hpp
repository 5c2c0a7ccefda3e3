// The per-rank math that differs from cpu-ref's kernels only in which rows it touches or how
// rows are numbered. Everything else (gemm, bias, ReLU, Adam) is cpu-ref's own code.
//
// Each function adds the same products in the same order as its cpu-ref counterpart does for
// the same rows, so a rank's rows come out bit-identical to the single-process ones wherever no
// cross-rank sum is involved.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/csr.hpp"
#include "core/philox.hpp"
#include "data/dataset.hpp"

namespace gcn::multigpu {

// ref::dropout on rows [row_offset, row_offset + rows) of a global (.. x cols) matrix: the mask
// index is the global element index, so every rank draws the single-process mask.
template <typename T>
void dropout_rows(const T* in, T* out, int64_t rows, int64_t cols, int64_t row_offset, double p, uint64_t seed,
                  uint32_t layer, uint32_t epoch) {
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  const auto first = static_cast<uint64_t>(row_offset * cols);
  for (int64_t i = 0; i < rows * cols; ++i)
    out[i] = dropout_keep(seed, layer, epoch, first + static_cast<uint64_t>(i), static_cast<float>(p)) ? in[i] * scale
                                                                                                       : T(0);
}

// ref::dropout_csr for a row slice starting at global row `row_offset`.
template <typename T>
void dropout_csr_rows(const Csr<T>& in, Csr<T>& out, int64_t row_offset, double p, uint64_t seed, uint32_t layer,
                      uint32_t epoch) {
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  for (int64_t r = 0; r < in.rows; ++r)
    for (int64_t k = in.row_ptr[r]; k < in.row_ptr[r + 1]; ++k) {
      const auto index = static_cast<uint64_t>((row_offset + r) * in.cols + in.col[k]);
      out.val[k] = dropout_keep(seed, layer, epoch, index, static_cast<float>(p)) ? in.val[k] * scale : T(0);
    }
}

// ref::spmm restricted to the listed rows of `a` (the others of c are left alone).
template <typename T>
void spmm_rows(const Csr<T>& a, const std::vector<int32_t>& rows, const T* b, int64_t width, T* c) {
  for (const int32_t r : rows) {
    T* out = c + static_cast<int64_t>(r) * width;
    for (int64_t j = 0; j < width; ++j) out[j] = T(0);
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      const T* in = b + static_cast<int64_t>(a.col[k]) * width;
      for (int64_t j = 0; j < width; ++j) out[j] += a.val[k] * in[j];
    }
  }
}

// The part of ref::spmm_transposed(a, b) that lands in columns [first_col, last_col) of a^T b,
// written to c (rows first_col..last_col-1 of the result, relative to first_col), summed over
// the listed rows in ascending order. Splitting one transposed product into a halo part and a
// local part this way keeps each output row's summation order that of the full product.
template <typename T>
void spmm_transposed_columns(const Csr<T>& a, const std::vector<int32_t>& rows, const T* b, int64_t width,
                             int64_t first_col, int64_t last_col, T* c) {
  for (int64_t i = 0; i < (last_col - first_col) * width; ++i) c[i] = T(0);
  for (const int32_t r : rows)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      const int64_t col = a.col[k];
      if (col < first_col || col >= last_col) continue;
      T* out = c + (col - first_col) * width;
      for (int64_t j = 0; j < width; ++j) out[j] += a.val[k] * b[static_cast<int64_t>(r) * width + j];
    }
}

}  // namespace gcn::multigpu
