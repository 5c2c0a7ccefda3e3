// Summary statistics of timing samples, kept apart from measuring and reporting.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gcn {

struct SampleStats {
  std::size_t count = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1); 0 for one sample
  double median = 0;
  double min = 0;
  double max = 0;
  double ci95_low = 0;  // 95% confidence interval of the mean (Student t)
  double ci95_high = 0;
};

SampleStats compute_stats(std::vector<double> samples);

// std / mean (0 when the mean is 0).
double coefficient_of_variation(const SampleStats& s);

// The shape warnings of a set of samples (docs/results-schema.md, "warnings"), empty when none:
//   bimodal: with at least 10 samples, the median of the slower half is 1.5x or more that of
//     the faster half (a unimodal spread of 10% CV gives about 1.14x);
//   outliers: more than 5% of the samples lie beyond Tukey's far-out fence, Q3 + 3 (Q3 - Q1).
std::vector<std::string> shape_warnings(std::vector<double> samples);

// Two-sided 97.5% quantile of Student's t with `dof` degrees of freedom.
double student_t_975(std::size_t dof);

}  // namespace gcn
