// Pointwise and reduction kernels of the cpu backend, fused so that each touches its data once:
// bias + ReLU + dropout forward in one pass, their backward in one pass, softmax cross-entropy
// with its gradient and the train and val metrics in one pass.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "backends/cpu/kernels.hpp"
#include "backends/cpu/philox_simd.hpp"

namespace gcn::cpu {
namespace {

// Elements per dropout block: 16 Philox groups of 4.
constexpr int64_t kDropBlock = 4 * kPhiloxLanes;
// Fixed chunk counts of the reductions, independent of the thread count: the result depends
// only on the data, which makes it reproducible for any number of threads.
constexpr int64_t kReduceChunks = 64;

float keep_scale(double p) { return 1.0f / (1.0f - static_cast<float>(p)); }

// Applies f(i, s) to the elements i in [begin, end) of a mask, s = the element's dropout scale
// (0 or 1/(1-p)); one vectorized Philox call per 16 groups of 4 elements.
template <typename F>
inline void for_each_dropout_scale(const Dropout& drop, int64_t begin, int64_t end, F&& f) {
  const float p = static_cast<float>(drop.p);
  const float scale = keep_scale(drop.p);
  for (int64_t g0 = begin / 4; g0 * 4 < end; g0 += kPhiloxLanes) {
    uint64_t groups[kPhiloxLanes];
    for (int g = 0; g < kPhiloxLanes; ++g) groups[g] = static_cast<uint64_t>(g0 + g);
    float u[4][kPhiloxLanes];
    dropout_uniforms16(drop.seed, drop.layer, drop.epoch, groups, u);
    const int64_t last = std::min(end, (g0 + kPhiloxLanes) * 4);
    for (int64_t i = std::max(begin, g0 * 4); i < last; ++i) f(i, u[i & 3][i / 4 - g0] >= p ? scale : 0.0f);
  }
}

}  // namespace

void add_bias(float* x, const float* bias, int64_t rows, int64_t cols) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) x[r * cols + j] += bias[j];
}

// Threads take whole dropout blocks (64 elements), so each Philox call serves one thread.
void bias_relu_dropout(const float* p, const float* bias, float* out, int64_t rows, int64_t cols, const Dropout& drop) {
  const int64_t n = rows * cols;
  const auto value = [&](int64_t i) {
    const float x = bias ? p[i] + bias[i % cols] : p[i];
    return x > 0.0f ? x : 0.0f;
  };
  if (drop.p <= 0) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) out[i] = value(i);
    return;
  }
  const int64_t blocks = (n + kDropBlock - 1) / kDropBlock;
#pragma omp parallel for schedule(static)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t begin = blk * kDropBlock;
    for_each_dropout_scale(drop, begin, std::min(n, begin + kDropBlock),
                           [&](int64_t i, float s) { out[i] = s != 0.0f ? value(i) * s : 0.0f; });
  }
}

void dropout(const float* in, int64_t ld, float* out, int64_t rows, int64_t cols, const Dropout& drop) {
  if (ld == cols) {
    const int64_t n = rows * cols;
    const int64_t blocks = (n + kDropBlock - 1) / kDropBlock;
#pragma omp parallel for schedule(static)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const int64_t begin = blk * kDropBlock;
      for_each_dropout_scale(drop, begin, std::min(n, begin + kDropBlock),
                             [&](int64_t i, float s) { out[i] = s != 0.0f ? in[i] * s : 0.0f; });
    }
    return;
  }
  // Padded rows: the mask index stays r * cols + j (the reference's), the storage is r * ld + j.
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* in_r = in + r * ld - r * cols;
    float* out_r = out + r * ld - r * cols;
    for_each_dropout_scale(drop, r * cols, (r + 1) * cols,
                           [&](int64_t i, float s) { out_r[i] = s != 0.0f ? in_r[i] * s : 0.0f; });
  }
}

void relu_dropout_backward(const float* out, float* grad, int64_t n, double p) {
  const float scale = p > 0 ? keep_scale(p) : 1.0f;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) grad[i] = out[i] > 0.0f ? (p > 0 ? grad[i] * scale : grad[i]) : 0.0f;
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
#pragma omp parallel for schedule(static)
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

namespace {

struct Partial {
  double loss = 0;
  int64_t correct = 0, count = 0;
};

// One row: returns loss and whether the argmax (first maximum) is the label; writes the
// gradient row scaled by inv_count when grad is not null. Same arithmetic as the reference.
inline double row_cross_entropy(const float* z, int64_t classes, int32_t label, float* grad, float inv_count,
                                bool* correct) {
  int64_t argmax = 0;
  for (int64_t c = 1; c < classes; ++c)
    if (z[c] > z[argmax]) argmax = c;
  float sum = 0.0f;
  for (int64_t c = 0; c < classes; ++c) sum += std::exp(z[c] - z[argmax]);
  const float log_sum = std::log(sum) + z[argmax];
  *correct = argmax == label;
  if (grad)
    for (int64_t c = 0; c < classes; ++c)
      grad[c] = (std::exp(z[c] - log_sum) - (c == label ? 1.0f : 0.0f)) * inv_count;
  return static_cast<double>(log_sum - z[label]);
}

ref::LossAndAccuracy finish(const Partial& p) {
  if (p.count == 0) return {};
  return {p.loss / static_cast<double>(p.count), static_cast<double>(p.correct) / static_cast<double>(p.count)};
}

}  // namespace

SplitMetrics softmax_cross_entropy(const float* logits, int64_t rows, int64_t classes, const std::vector<int32_t>& labels,
                                   const std::vector<Split>& split, float* grad) {
  int64_t train_count = 0;
  for (int64_t r = 0; r < rows; ++r) train_count += split[r] == Split::Train;
  // The reference divides by the count; multiplying by its float reciprocal could differ in the
  // last bit, so divide too.
  const float count_f = static_cast<float>(train_count);
  Partial train[kReduceChunks], val[kReduceChunks];
  const int64_t chunk_rows = (rows + kReduceChunks - 1) / kReduceChunks;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < kReduceChunks; ++c) {
    const int64_t end = std::min(rows, (c + 1) * chunk_rows);
    for (int64_t r = c * chunk_rows; r < end; ++r) {
      const Split s = split[r];
      float* g = grad ? grad + r * classes : nullptr;
      if (s != Split::Train && s != Split::Val) {
        if (g) std::fill(g, g + classes, 0.0f);
        continue;
      }
      bool correct = false;
      const float* z = logits + r * classes;
      if (s == Split::Train) {
        double loss;
        if (g) {
          loss = row_cross_entropy(z, classes, labels[r], g, 1.0f, &correct);
          for (int64_t k = 0; k < classes; ++k) g[k] /= count_f;
        } else {
          loss = row_cross_entropy(z, classes, labels[r], nullptr, 1.0f, &correct);
        }
        train[c].loss += loss;
        train[c].correct += correct;
        ++train[c].count;
      } else {
        if (g) std::fill(g, g + classes, 0.0f);
        val[c].loss += row_cross_entropy(z, classes, labels[r], nullptr, 1.0f, &correct);
        val[c].correct += correct;
        ++val[c].count;
      }
    }
  }
  Partial train_total, val_total;
  for (int64_t c = 0; c < kReduceChunks; ++c) {
    train_total.loss += train[c].loss;
    train_total.correct += train[c].correct;
    train_total.count += train[c].count;
    val_total.loss += val[c].loss;
    val_total.correct += val[c].correct;
    val_total.count += val[c].count;
  }
  return {finish(train_total), finish(val_total)};
}

ref::LossAndAccuracy softmax_cross_entropy_split(const float* logits, int64_t rows, int64_t classes,
                                                 const std::vector<int32_t>& labels, const std::vector<Split>& split,
                                                 Split which) {
  Partial part[kReduceChunks];
  const int64_t chunk_rows = (rows + kReduceChunks - 1) / kReduceChunks;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < kReduceChunks; ++c) {
    const int64_t end = std::min(rows, (c + 1) * chunk_rows);
    for (int64_t r = c * chunk_rows; r < end; ++r) {
      if (split[r] != which) continue;
      bool correct = false;
      part[c].loss += row_cross_entropy(logits + r * classes, classes, labels[r], nullptr, 1.0f, &correct);
      part[c].correct += correct;
      ++part[c].count;
    }
  }
  Partial total;
  for (int64_t c = 0; c < kReduceChunks; ++c) {
    total.loss += part[c].loss;
    total.correct += part[c].correct;
    total.count += part[c].count;
  }
  return finish(total);
}

void adam_update(float* param, const float* grad, float* m, float* v, int64_t n, const ref::AdamSettings& s) {
  // Elementwise; the reference loop vectorizes as it is. Split over threads only when large.
  if (n < (1 << 16)) return ref::adam_update(param, grad, m, v, n, s);
  const int64_t chunk = 1 << 14;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < n; b += chunk)
    ref::adam_update(param + b, grad + b, m + b, v + b, std::min(chunk, n - b), s);
}

}  // namespace gcn::cpu
