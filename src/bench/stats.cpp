#include "bench/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace gcn {

double student_t_975(size_t dof) {
  // Exact table for small samples; beyond 30 the normal approximation with a 1/dof
  // correction is within 0.1%.
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                 2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof == 0) return 0;
  if (dof <= 30) return table[dof];
  return 1.959964 + 2.4 / static_cast<double>(dof);
}

SampleStats compute_stats(std::vector<double> samples) {
  SampleStats s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / n;
  double squares = 0;
  for (double x : samples) squares += (x - s.mean) * (x - s.mean);
  s.stddev = samples.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
  const size_t mid = samples.size() / 2;
  s.median = samples.size() % 2 ? samples[mid] : 0.5 * (samples[mid - 1] + samples[mid]);
  s.min = samples.front();
  s.max = samples.back();
  const double half_width = student_t_975(samples.size() - 1) * s.stddev / std::sqrt(n);
  s.ci95_low = s.mean - half_width;
  s.ci95_high = s.mean + half_width;
  return s;
}

double coefficient_of_variation(const SampleStats& s) { return s.mean != 0 ? s.stddev / s.mean : 0.0; }

namespace {

// The q-quantile of sorted samples, linearly interpolated (numpy's default).
double quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<size_t>(position);
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", fraction * 100);
  return text;
}

}  // namespace

std::vector<std::string> shape_warnings(std::vector<double> samples) {
  std::vector<std::string> warnings;
  if (samples.size() < 4) return warnings;
  std::sort(samples.begin(), samples.end());
  const size_t half = samples.size() / 2;
  if (samples.size() >= 10) {
    const std::vector<double> fast(samples.begin(), samples.begin() + static_cast<int64_t>(half));
    const std::vector<double> slow(samples.end() - static_cast<int64_t>(half), samples.end());
    const double ratio = quantile(slow, 0.5) / quantile(fast, 0.5);
    if (ratio >= 1.5) {
      char text[160];
      std::snprintf(text, sizeof text, "bimodal: the slower half's median is %.2fx the faster half's", ratio);
      warnings.push_back(text);
    }
  }
  const double q1 = quantile(samples, 0.25), q3 = quantile(samples, 0.75);
  const double fence = q3 + 3 * (q3 - q1);
  const auto beyond =
      static_cast<double>(std::count_if(samples.begin(), samples.end(), [&](double x) { return x > fence; }));
  if (beyond > 0.05 * static_cast<double>(samples.size()))
    warnings.push_back("outliers: " + percent(beyond / static_cast<double>(samples.size())) +
                       " of the samples lie beyond Q3 + 3 IQR");
  return warnings;
}

}  // namespace gcn
