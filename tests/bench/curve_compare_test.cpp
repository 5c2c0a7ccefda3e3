// verify's comparison: a planted mismatch must FAIL, fp32-level noise must PASS.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bench/curve_compare.hpp"

namespace gcn {
namespace {

std::vector<double> loss_curve() {
  std::vector<double> curve;
  for (int e = 0; e < 20; ++e) curve.push_back(1.95 * std::exp(-0.05 * e) + 0.1);
  return curve;
}

TEST(CurveCompare, IdenticalCurvesPass) {
  const auto c = compare_loss_curves(loss_curve(), loss_curve(), 1e-4);
  EXPECT_TRUE(c.passed) << c.detail;
  EXPECT_DOUBLE_EQ(c.max_relative_difference, 0.0);
}

TEST(CurveCompare, Fp32NoisePasses) {
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> noise(-3e-6, 3e-6);  // a few fp32 ulps of accumulated rounding
  auto candidate = loss_curve();
  for (auto& x : candidate) x *= 1 + noise(rng);
  const auto c = compare_loss_curves(loss_curve(), candidate, 1e-4);
  EXPECT_TRUE(c.passed) << c.detail << " (seed " << seed << ")";
  EXPECT_LE(c.max_relative_difference, 3.1e-6) << "seed " << seed;
}

TEST(CurveCompare, PlantedMismatchFailsAtItsEpoch) {
  auto candidate = loss_curve();
  candidate[13] *= 1 + 2e-4;  // twice the tolerance, at one epoch only
  const auto c = compare_loss_curves(loss_curve(), candidate, 1e-4);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.worst_epoch, 13);
  EXPECT_NEAR(c.max_relative_difference, 2e-4 / (1 + 2e-4), 1e-9);
}

TEST(CurveCompare, JustInsideToleranceStillPasses) {
  auto candidate = loss_curve();
  candidate[5] *= 1 + 0.9e-4;
  EXPECT_TRUE(compare_loss_curves(loss_curve(), candidate, 1e-4).passed);
}

TEST(CurveCompare, LengthMismatchFails) {
  auto candidate = loss_curve();
  candidate.pop_back();
  const auto c = compare_loss_curves(loss_curve(), candidate, 1e-4);
  EXPECT_FALSE(c.passed);
  EXPECT_NE(c.detail.find("20 and 19"), std::string::npos) << c.detail;
  EXPECT_FALSE(compare_loss_curves({}, {}, 1e-4).passed);
}

TEST(CurveCompare, NonFiniteFails) {
  auto candidate = loss_curve();
  candidate[2] = std::nan("");
  EXPECT_FALSE(compare_loss_curves(loss_curve(), candidate, 1e-4).passed);
  candidate[2] = INFINITY;
  EXPECT_FALSE(compare_loss_curves(candidate, loss_curve(), 1e-4).passed);
}

}  // namespace
}  // namespace gcn
