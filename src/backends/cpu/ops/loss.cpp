// Softmax cross-entropy of the cpu backend: the loss, its gradient and the train and val metrics
// in one pass over the logits.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "backends/cpu/ops.hpp"

namespace gcn::cpu {

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

}  // namespace gcn::cpu
