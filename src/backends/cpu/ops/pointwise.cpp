// Pointwise kernels of the cpu backend, fused so that each touches its data once: bias + ReLU +
// dropout forward in one pass, their backward in one pass, the bias gradient as a column sum.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "backends/cpu/ops.hpp"
#include "backends/cpu/ops/philox_simd.hpp"
#include "backends/cpu_ref/ops/pointwise.hpp"

namespace gcn::cpu {
namespace {

// Elements per dropout block: 16 Philox groups of 4.
constexpr int64_t kDropBlock = 4 * kPhiloxLanes;

float keep_scale(double p) { return 1.0f / (1.0f - static_cast<float>(p)); }

// Applies f(i, s) to the elements i in [begin, end) of a mask, s = the element's dropout scale
// (0 or 1/(1-p)); one vectorized Philox call per 16 groups of 4 elements, whose scales are laid
// out in element order first so that the loop over the elements is plain.
template <typename F>
inline void for_each_dropout_scale(const DropoutSpec& drop, int64_t begin, int64_t end, F&& f) {
  const float p = static_cast<float>(drop.p);
  const float scale = keep_scale(drop.p);
  float block[kDropBlock];
  for (int64_t g0 = begin / 4; g0 * 4 < end; g0 += kPhiloxLanes) {
    dropout_block_scales64(drop.seed, drop.layer, drop.epoch, static_cast<uint64_t>(g0), p, scale, block);
    const int64_t first = g0 * 4;
    const int64_t last = std::min(end, first + kDropBlock);
    for (int64_t i = std::max(begin, first); i < last; ++i) f(i, block[i - first]);
  }
}

}  // namespace

void add_bias(float* x, const float* bias, int64_t rows, int64_t cols) {
#pragma omp parallel for schedule(static) if (rows * cols >= kMinParallelWork)
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) x[r * cols + j] += bias[j];
}

// Threads take whole dropout blocks (64 elements), so each Philox call serves one thread. The
// bias column is tracked by a counter: an i % cols per element cost more than the Philox draw.
void bias_relu_dropout(const float* p, const float* bias, float* out, int64_t rows, int64_t cols, const DropoutSpec& drop) {
  const int64_t n = rows * cols;
  if (drop.p <= 0) {
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j) {
        const float x = bias ? p[r * cols + j] + bias[j] : p[r * cols + j];
        out[r * cols + j] = x > 0.0f ? x : 0.0f;
      }
    return;
  }
  const float drop_p = static_cast<float>(drop.p), scale = keep_scale(drop.p);
  const int64_t blocks = (n + kDropBlock - 1) / kDropBlock;
#pragma omp parallel for schedule(static) if (n * kPhiloxWork >= kMinParallelWork)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t begin = blk * kDropBlock, end = std::min(n, begin + kDropBlock);
    float keep[kDropBlock];
    dropout_block_scales64(drop.seed, drop.layer, drop.epoch, static_cast<uint64_t>(begin / 4), drop_p, scale, keep);
    // Row segments of the block, so that the inner loop is contiguous in both the elements and
    // the bias and vectorizes; the select is written without short-circuit and over values computed
    // unconditionally so that GCC emits blends, not branches (a mask is a coin flip per element:
    // without AVX-512's masked operations the loop was branchy and mispredicted on an AVX2 Zen 3).
    for (int64_t start = begin; start < end;) {
      const int64_t j0 = start % cols, length = std::min(end - start, cols - j0);
      const float* p_seg = p + start;
      const float* keep_seg = keep + (start - begin);
      float* out_seg = out + start;
      for (int64_t t = 0; t < length; ++t) {
        const float x = bias ? p_seg[t] + bias[j0 + t] : p_seg[t];
        const float s = keep_seg[t];
        const float kept = x * s;  // unconditional: GCC if-converts no conditional FP operation
        out_seg[t] = (s != 0.0f) & (x > 0.0f) ? kept : 0.0f;
      }
      start += length;
    }
  }
}

void dropout(const float* in, int64_t ld, float* out, int64_t rows, int64_t cols, const DropoutSpec& drop) {
  if (ld == cols) {
    const int64_t n = rows * cols;
    const int64_t blocks = (n + kDropBlock - 1) / kDropBlock;
#pragma omp parallel for schedule(static) if (n * kPhiloxWork >= kMinParallelWork)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t begin = blk * kDropBlock;
      for_each_dropout_scale(drop, begin, std::min(n, begin + kDropBlock),
                             [&](int64_t i, float s) { out[i] = s != 0.0f ? in[i] * s : 0.0f; });
    }
    return;
  }
  // Padded rows: the mask index stays r * cols + j (the reference's), the storage is r * ld + j.
#pragma omp parallel for schedule(static) if (rows * cols * kPhiloxWork >= kMinParallelWork)
  for (int64_t r = 0; r < rows; ++r) {
    const float* in_r = in + r * ld - r * cols;
    float* out_r = out + r * ld - r * cols;
    for_each_dropout_scale(drop, r * cols, (r + 1) * cols,
                           [&](int64_t i, float s) { out_r[i] = s != 0.0f ? in_r[i] * s : 0.0f; });
  }
}

void relu_dropout_backward(const float* out, float* grad, int64_t n, double p) {
  const float scale = p > 0 ? keep_scale(p) : 1.0f;
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t i = 0; i < n; ++i) {
    // The load and the product unconditional: GCC if-converts (and so vectorizes) a select only
    // over values computed on both paths, since a conditional multiply may trap.
    const float scaled = grad[i] * scale;
    grad[i] = out[i] > 0.0f ? scaled : 0.0f;
  }
}

void bias_backward(const float* grad, float* bias_grad, int64_t rows, int64_t cols) {
  // Each chunk sums its rows into its own slot; chunk partials are added in order. cols is a
  // layer width (<= a few dozen), so the partials live on the stack when it is small.
  constexpr int64_t kMaxStackCols = 64;
  if (cols > kMaxStackCols) {
    ref::bias_backward(grad, bias_grad, rows, cols);
    return;
  }
  float partial[kReduceChunks][kMaxStackCols];
  const int64_t chunk_rows = (rows + kReduceChunks - 1) / kReduceChunks;
#pragma omp parallel for schedule(static) if (rows * cols >= kMinParallelWork)
  for (int64_t c = 0; c < kReduceChunks; ++c) {
    for (int64_t j = 0; j < cols; ++j) partial[c][j] = 0.0f;
    const int64_t end = std::min(rows, (c + 1) * chunk_rows);
    for (int64_t r = c * chunk_rows; r < end; ++r)
      for (int64_t j = 0; j < cols; ++j) partial[c][j] += grad[r * cols + j];
  }
  for (int64_t j = 0; j < cols; ++j) {
    float sum = 0.0f;
    for (int64_t c = 0; c < kReduceChunks; ++c) sum += partial[c][j];
    bias_grad[j] = sum;
  }
}

}  // namespace gcn::cpu
