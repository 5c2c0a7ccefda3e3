// The types every backend's ops and models share, in no backend's header: a dropout mask's
// key, a loss with its accuracy, Adam's settings for one update.
#pragma once

#include <cstdint>

namespace gcn {

// Inverted dropout with drop probability p (0: off); element i of a layer's input is kept as
// dropout_keep(seed, layer, epoch, i, p) says (core/philox.hpp).
struct DropoutSpec {
  double p = 0;
  uint64_t seed = 0;
  uint32_t layer = 0, epoch = 0;
};

struct LossAndAccuracy {
  double loss = 0;      // mean cross-entropy over the selected rows
  double accuracy = 0;  // fraction of selected rows whose argmax (first maximum) is the label
};

// One pass over the logits gives both: the train rows' (training forward) and the val rows'.
struct SplitMetrics {
  LossAndAccuracy train, val;
};

// Sums of softmax cross-entropy over selected rows, before the division by their count (the
// distributed model adds them over ranks first).
struct LossSums {
  double loss_sum = 0;  // sum of cross-entropies over the selected rows
  double correct = 0;   // selected rows whose argmax (first maximum) is the label
};

struct AdamSettings {
  double lr, beta1, beta2, eps, weight_decay;
  int64_t step;  // 1 for the first update
};

}  // namespace gcn
