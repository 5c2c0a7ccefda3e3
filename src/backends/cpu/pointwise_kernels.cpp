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
// Costs, in multiply-adds, of a Philox mask draw and of a softmax element (exp, log), for the
// kMinParallelWork decisions.
constexpr int64_t kPhiloxWork = 8;
constexpr int64_t kExpWork = 8;
// Fixed chunk counts of the reductions, independent of the thread count: the result depends
// only on the data, which makes it reproducible for any number of threads.
constexpr int64_t kReduceChunks = 64;

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

LossAndAccuracy finish(const Partial& p) {
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
#pragma omp parallel for schedule(static) if (rows * classes * kExpWork >= kMinParallelWork)
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

LossAndAccuracy softmax_cross_entropy_split(const float* logits, int64_t rows, int64_t classes,
                                                 const std::vector<int32_t>& labels, const std::vector<Split>& split,
                                                 Split which) {
  Partial part[kReduceChunks];
  const int64_t chunk_rows = (rows + kReduceChunks - 1) / kReduceChunks;
#pragma omp parallel for schedule(static) if (rows * classes * kExpWork >= kMinParallelWork)
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

namespace {

// ref::adam_update's arithmetic, in the same order, for a chunk of elements. GCC vectorizes it
// (square roots and divisions are correctly rounded in vector registers too) only because this
// file is compiled with -fno-math-errno: otherwise sqrtf may set errno and the loop stays scalar,
// ~3 ns per element, 70 us of Cora's 1.1 ms kipf epoch.
void adam_chunk(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ m,
                float* __restrict__ v, int64_t n, float beta1, float beta2, float weight_decay, float eps,
                float bias_correction2_sqrt, float step_size) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i] + weight_decay * param[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float denom = std::sqrt(v[i]) / bias_correction2_sqrt + eps;
    param[i] -= step_size * m[i] / denom;
  }
}

}  // namespace

void adam_update(float* param, const float* grad, float* m, float* v, int64_t n, const AdamSettings& s) {
  // The scalars exactly as ref::adam_update computes them.
  const float beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
  const float bias_correction1 = 1.0f - static_cast<float>(std::pow(s.beta1, static_cast<double>(s.step)));
  const float bias_correction2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.step))));
  const float step_size = static_cast<float>(s.lr) / bias_correction1;
  const float weight_decay = static_cast<float>(s.weight_decay), eps = static_cast<float>(s.eps);
  const int64_t chunk = 1 << 14;
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t b = 0; b < n; b += chunk)
    adam_chunk(param + b, grad + b, m + b, v + b, std::min(chunk, n - b), beta1, beta2, weight_decay, eps,
               bias_correction2_sqrt, step_size);
}

}  // namespace gcn::cpu
