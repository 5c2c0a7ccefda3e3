// Whether two sets of run times differ: the Mann-Whitney U test (Wilcoxon rank-sum), as
// google/benchmark's compare.py uses on repetitions. It assumes no distribution (run times are
// skewed: a busy machine slows some runs a lot and speeds none) and, with the run as the unit,
// has few samples: exact for small tie-free samples, the normal approximation with a tie
// correction otherwise.
#pragma once

#include <vector>

namespace gcn {

struct MannWhitney {
  double u = 0;        // U of the first sample: pairs (a, b) with a > b, ties counting one half
  double p_value = 1;  // two-sided
  bool exact = false;  // from the exact distribution of U, not the normal approximation
};

// Both samples need at least one value; p is 1 for samples that are identical.
MannWhitney mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace gcn
