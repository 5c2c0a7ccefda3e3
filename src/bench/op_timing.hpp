// How one process times one prepared op, the same in gcnbench's child (`gcnbench op-run`) and in
// the peers (peers/ops_common.py): a first execution timed alone (it pays for cold caches, lazy
// allocation and compilation, and is reported apart); then executions grouped into samples of K
// back-to-back runs, K chosen so a sample takes about a millisecond (a single short op is below
// the clock's resolution and its launch overhead would dominate); three warm-up samples, then
// the timed ones. A sample's time is its total over K: the mean of K executions.
#pragma once

#include <vector>

#include "backends/op_runner.hpp"

namespace gcn {

struct OpTiming {
  double first_ms = 0;
  int executions_per_sample = 1;
  std::vector<double> samples_ms;  // per execution
};

inline constexpr double kTargetSampleMs = 1.0;
inline constexpr int kWarmupSamples = 3;
inline constexpr int kMaxExecutionsPerSample = 100000;

// K for a per-execution time of `ms`: ceil(kTargetSampleMs / ms), at least 1, at most the cap.
int executions_per_sample(double ms);

OpTiming time_op(PreparedOp& op, int samples);

}  // namespace gcn
