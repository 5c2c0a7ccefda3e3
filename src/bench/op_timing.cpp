#include "bench/op_timing.hpp"

#include <algorithm>
#include <cmath>

namespace gcn {

int executions_per_sample(double ms) {
  if (!(ms > 0)) return kMaxExecutionsPerSample;
  const double k = std::ceil(kTargetSampleMs / ms);
  return static_cast<int>(std::clamp(k, 1.0, static_cast<double>(kMaxExecutionsPerSample)));
}

OpTiming time_op(PreparedOp& op, int samples) {
  OpTiming t;
  t.first_ms = op.time_ms(1);
  int k = executions_per_sample(t.first_ms);
  // The first execution is slower than the steady state: K is chosen again from the warm-up.
  double fastest = t.first_ms;
  for (int w = 0; w < kWarmupSamples; ++w) fastest = std::min(fastest, op.time_ms(k) / k);
  k = executions_per_sample(fastest);
  t.executions_per_sample = k;
  for (int s = 0; s < samples; ++s) t.samples_ms.push_back(op.time_ms(k) / k);
  return t;
}

}  // namespace gcn
