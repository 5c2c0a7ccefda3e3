#include "bench/significance.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gcn {
namespace {

// Sizes up to which the exact distribution is counted (C(40, 20) arrangements fit easily in a
// double; the counting table is m x n x (m n / 2)).
constexpr size_t kExactLimit = 20;

// P(U <= u) under the null hypothesis for samples of sizes m and n, by counting the
// arrangements of ranks: f(u; m, n) = f(u - n; m - 1, n) + f(u; m, n - 1).
double exact_lower_tail(size_t m, size_t n, double u) {
  const size_t max_u = m * n;
  // ways[j][v]: arrangements of i values of the first sample and j of the second with U = v.
  std::vector<std::vector<double>> ways(n + 1, std::vector<double>(max_u + 1, 0.0));
  for (size_t j = 0; j <= n; ++j) ways[j][0] = 1;  // i = 0: one arrangement, U = 0
  for (size_t i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> next(n + 1, std::vector<double>(max_u + 1, 0.0));
    next[0][0] = 1;
    for (size_t j = 1; j <= n; ++j)
      for (size_t v = 0; v <= i * j; ++v) next[j][v] = (v >= j ? ways[j][v - j] : 0.0) + next[j - 1][v];
    ways = std::move(next);
  }
  double below = 0, total = 0;
  for (size_t v = 0; v <= max_u; ++v) {
    total += ways[n][v];
    if (static_cast<double>(v) <= u + 1e-9) below += ways[n][v];
  }
  return below / total;
}

}  // namespace

MannWhitney mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) fail("Mann-Whitney U: both samples need at least one value");
  MannWhitney r;
  bool ties = false;
  for (double x : a)
    for (double y : b) {
      r.u += x > y ? 1.0 : x == y ? 0.5 : 0.0;
      ties |= x == y;
    }
  const size_t m = a.size(), n = b.size();
  const double mean_u = 0.5 * static_cast<double>(m * n);
  if (!ties && m <= kExactLimit && n <= kExactLimit) {
    const double low = std::min(r.u, static_cast<double>(m * n) - r.u);
    r.p_value = std::min(1.0, 2 * exact_lower_tail(m, n, low));
    r.exact = true;
    return r;
  }
  // Normal approximation: the variance of U with the tie correction over the pooled sample.
  std::vector<double> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  std::sort(pooled.begin(), pooled.end());
  double tie_term = 0;
  for (size_t i = 0; i < pooled.size();) {
    size_t j = i;
    while (j < pooled.size() && pooled[j] == pooled[i]) ++j;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double total = static_cast<double>(m + n);
  const double variance = static_cast<double>(m * n) / 12.0 * (total + 1 - tie_term / (total * (total - 1)));
  if (!(variance > 0)) return r;  // every value equal: no evidence of a difference
  const double z = (std::fabs(r.u - mean_u) - 0.5) / std::sqrt(variance);  // continuity correction
  r.p_value = std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
  return r;
}

}  // namespace gcn
