// Summary statistics of timing samples, kept apart from measuring and reporting.
#pragma once

#include <cstddef>
#include <vector>

namespace gcn {

struct SampleStats {
  std::size_t count = 0;
  double mean = 0;
  double stddev = 0;     // sample standard deviation (n - 1); 0 for one sample
  double median = 0;
  double min = 0;
  double max = 0;
  double ci95_low = 0;   // 95% confidence interval of the mean (Student t)
  double ci95_high = 0;
};

SampleStats compute_stats(std::vector<double> samples);

// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom.
double student_t_975(std::size_t dof);

}  // namespace gcn
