// cpu-ref pointwise ops: bias, ReLU, dropout, and their backward.
#pragma once

#include <cstdint>

#include "core/csr.hpp"
#include "core/philox.hpp"

namespace gcn::ref {

template <typename T>
void add_bias(T* x, const T* bias, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) x[r * cols + j] += bias[j];
}

// Gradient of a broadcast bias: column sums of the output gradient.
template <typename T>
void bias_backward(const T* grad, T* bias_grad, int64_t rows, int64_t cols) {
  for (int64_t j = 0; j < cols; ++j) bias_grad[j] = T(0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) bias_grad[j] += grad[r * cols + j];
}

template <typename T>
void relu_forward(const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] > T(0) ? in[i] : T(0);
}

// grad *= (out > 0), where out is the ReLU's output.
template <typename T>
void relu_backward(const T* out, T* grad, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!(out[i] > T(0))) grad[i] = T(0);
}

// Inverted dropout of a dense (rows x cols) matrix with the mask of (seed, layer, epoch).
// The same call applied to a gradient is dropout's backward (the mask is recomputed).
template <typename T>
void dropout(const T* in, T* out, int64_t rows, int64_t cols, double p, uint64_t seed, uint32_t layer, uint32_t epoch) {
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  for (int64_t i = 0; i < rows * cols; ++i)
    out[i] = dropout_keep(seed, layer, epoch, static_cast<uint64_t>(i), static_cast<float>(p)) ? in[i] * scale : T(0);
}

// Dropout of a sparse matrix's stored values; element (r, c) uses mask index r * cols + c, so
// sparse and dense features see the same mask. `out` has `in`'s pattern.
template <typename T>
void dropout_csr(const Csr<T>& in, Csr<T>& out, double p, uint64_t seed, uint32_t layer, uint32_t epoch) {
  const T scale = T(1) / (T(1) - static_cast<T>(p));
  for (int64_t r = 0; r < in.rows; ++r)
    for (int64_t k = in.row_ptr[r]; k < in.row_ptr[r + 1]; ++k) {
      const auto index = static_cast<uint64_t>(r * in.cols + in.col[k]);
      out.val[k] = dropout_keep(seed, layer, epoch, index, static_cast<float>(p)) ? in.val[k] * scale : T(0);
    }
}

}  // namespace gcn::ref
