// cpu-ref kernels: plain single-threaded loops, written for obviousness, not speed. They are
// the definition every other backend's kernels are tested against. Templated so that the
// gradient check can run the same code in float64.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backends/types.hpp"
#include "core/csr.hpp"
#include "core/philox.hpp"
#include "data/dataset.hpp"

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


// Sums of softmax cross-entropy over the rows whose split is `which`. When grad is not null it
// receives (softmax - onehot) / divisor on selected rows, 0 elsewhere: divisor is the number of
// rows the loss is averaged over (these rows' count, or all ranks' in a distributed run).
template <typename T>
LossSums softmax_cross_entropy_sums(const T* logits, int64_t rows, int64_t classes, const int32_t* labels,
                                    const Split* split, Split which, double divisor, T* grad) {
  LossSums sums;
  for (int64_t r = 0; r < rows; ++r) {
    const T* z = logits + r * classes;
    if (split[r] != which) {
      if (grad)
        for (int64_t c = 0; c < classes; ++c) grad[r * classes + c] = T(0);
      continue;
    }
    int64_t argmax = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (z[c] > z[argmax]) argmax = c;
    T sum = T(0);
    for (int64_t c = 0; c < classes; ++c) sum += std::exp(z[c] - z[argmax]);
    const T log_sum = std::log(sum) + z[argmax];
    sums.loss_sum += static_cast<double>(log_sum - z[labels[r]]);
    sums.correct += argmax == labels[r];
    if (grad)
      for (int64_t c = 0; c < classes; ++c)
        grad[r * classes + c] = (std::exp(z[c] - log_sum) - (c == labels[r] ? T(1) : T(0))) / static_cast<T>(divisor);
  }
  return sums;
}

// Mean softmax cross-entropy and accuracy over the rows whose split is `which`; grad as above,
// divided by their count.
template <typename T>
LossAndAccuracy softmax_cross_entropy(const T* logits, int64_t rows, int64_t classes, const std::vector<int32_t>& labels,
                                      const std::vector<Split>& split, Split which, T* grad) {
  int64_t count = 0;
  for (int64_t r = 0; r < rows; ++r) count += split[r] == which;
  const LossSums sums = softmax_cross_entropy_sums(logits, rows, classes, labels.data(), split.data(), which,
                                                   static_cast<double>(count), grad);
  if (count == 0) return {};
  return {sums.loss_sum / static_cast<double>(count), sums.correct / static_cast<double>(count)};
}

// torch.optim.Adam: g += wd * param; m, v moving averages; param -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
template <typename T>
void adam_update(T* param, const T* grad, T* m, T* v, int64_t n, const AdamSettings& s) {
  const T beta1 = static_cast<T>(s.beta1), beta2 = static_cast<T>(s.beta2);
  const T bias_correction1 = T(1) - static_cast<T>(std::pow(s.beta1, static_cast<double>(s.step)));
  const T bias_correction2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.step))));
  const T step_size = static_cast<T>(s.lr) / bias_correction1;
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i] + static_cast<T>(s.weight_decay) * param[i];
    m[i] = beta1 * m[i] + (T(1) - beta1) * g;
    v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
    const T denom = std::sqrt(v[i]) / bias_correction2_sqrt + static_cast<T>(s.eps);
    param[i] -= step_size * m[i] / denom;
  }
}

}  // namespace gcn::ref
