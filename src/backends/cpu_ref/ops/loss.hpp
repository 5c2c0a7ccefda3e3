// cpu-ref softmax cross-entropy.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "backends/types.hpp"
#include "data/dataset.hpp"

namespace gcn::ref {

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

}  // namespace gcn::ref
