// `gcnbench verify`'s check: two loss curves from the same initial weights, dropout off, must
// agree epoch by epoch within a relative tolerance.
#pragma once

#include <string>
#include <vector>

namespace gcn {

struct CurveComparison {
  bool passed = false;
  double max_relative_difference = 0;  // max over epochs of |a - b| / max(|a|, |b|)
  int worst_epoch = -1;
  std::string detail;                  // "max rel diff 3.1e-07 at epoch 12" or what is wrong
};

// Fails on different lengths, empty curves, or a non-finite value in either curve.
CurveComparison compare_loss_curves(const std::vector<double>& reference, const std::vector<double>& candidate,
                                    double tolerance);

}  // namespace gcn
