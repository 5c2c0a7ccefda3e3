#include "bench/curve_compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gcn {

CurveComparison compare_loss_curves(const std::vector<double>& reference, const std::vector<double>& candidate,
                                    double tolerance) {
  CurveComparison result;
  if (reference.empty() || reference.size() != candidate.size()) {
    result.detail = "the curves have " + std::to_string(reference.size()) + " and " +
                    std::to_string(candidate.size()) + " epochs";
    return result;
  }
  for (size_t e = 0; e < reference.size(); ++e) {
    const double a = reference[e], b = candidate[e];
    if (!std::isfinite(a) || !std::isfinite(b)) {
      result.worst_epoch = static_cast<int>(e);
      result.detail = "non-finite loss at epoch " + std::to_string(e);
      return result;
    }
    // Relative to the larger magnitude; a loss of exactly 0 in both counts as equal.
    const double scale = std::max(std::fabs(a), std::fabs(b));
    const double difference = scale > 0 ? std::fabs(a - b) / scale : 0.0;
    if (difference > result.max_relative_difference || result.worst_epoch < 0) {
      result.max_relative_difference = difference;
      result.worst_epoch = static_cast<int>(e);
    }
  }
  result.passed = result.max_relative_difference <= tolerance;
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "max rel diff %.3g at epoch %d (tolerance %.0e)", result.max_relative_difference,
                result.worst_epoch, tolerance);
  result.detail = buffer;
  return result;
}

}  // namespace gcn
