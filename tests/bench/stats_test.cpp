// bench/stats against values computed by hand (and checked with numpy/scipy).
#include <gtest/gtest.h>

#include <cmath>

#include "bench/stats.hpp"

namespace gcn {
namespace {

TEST(Stats, KnownSample) {
  // mean 5, sample variance 32/7, t(7, 0.975) = 2.365.
  const SampleStats s = compute_stats({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_NEAR(s.stddev, 2.138089935299395, 1e-12);
  EXPECT_DOUBLE_EQ(s.median, 4.5);
  EXPECT_DOUBLE_EQ(s.min, 2.0);
  EXPECT_DOUBLE_EQ(s.max, 9.0);
  const double half = 2.365 * 2.138089935299395 / std::sqrt(8.0);
  EXPECT_NEAR(s.ci95_low, 5.0 - half, 1e-12);
  EXPECT_NEAR(s.ci95_high, 5.0 + half, 1e-12);
}

TEST(Stats, OddCountMedianIgnoresOrder) {
  const SampleStats s = compute_stats({9, 1, 5});
  EXPECT_DOUBLE_EQ(s.median, 5.0);
  EXPECT_DOUBLE_EQ(s.stddev, 4.0);
}

TEST(Stats, OneSampleHasZeroWidth) {
  const SampleStats s = compute_stats({3.5});
  EXPECT_DOUBLE_EQ(s.mean, 3.5);
  EXPECT_DOUBLE_EQ(s.stddev, 0.0);
  EXPECT_DOUBLE_EQ(s.ci95_low, 3.5);
  EXPECT_DOUBLE_EQ(s.ci95_high, 3.5);
}

TEST(Stats, EmptyIsAllZero) {
  const SampleStats s = compute_stats({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_DOUBLE_EQ(s.mean, 0.0);
}

TEST(Stats, StudentTQuantiles) {
  EXPECT_NEAR(student_t_975(1), 12.706, 1e-3);
  EXPECT_NEAR(student_t_975(4), 2.776, 1e-3);
  EXPECT_NEAR(student_t_975(30), 2.042, 1e-3);
  EXPECT_NEAR(student_t_975(100), 1.984, 2e-3);   // scipy: 1.98397
  EXPECT_NEAR(student_t_975(1000), 1.962, 1e-3);  // scipy: 1.96234
}

}  // namespace
}  // namespace gcn
