// Adam against steps computed by hand, dropout's expectation and determinism, and the
// per-layer weight decay rule.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/cpu_ref/ops.hpp"
#include "backends/optimizer.hpp"
#include "core/philox.hpp"
#include "model/config.hpp"

namespace gcn {
namespace {

TEST(Adam, MatchesHandComputedSteps) {
  // One parameter, lr 0.1, betas 0.9/0.999, eps 1e-8, weight decay 0.5.
  // Step 1: g = 2 + 0.5*1 = 2.5; m = 0.25; v = 0.00625; m_hat = 2.5; v_hat = 6.25;
  //         p = 1 - 0.1 * 2.5 / (2.5 + 1e-8) = 0.9 (to 1e-9).
  // Step 2: g = -1 + 0.5*0.9 = -0.55; m = 0.9*0.25 - 0.055 = 0.17; v = 0.999*0.00625 + 0.001*0.3025
  //         = 0.00654625; m_hat = 0.17/0.19 = 0.894737; v_hat = 0.00654625/0.001999 = 3.274762;
  //         p = 0.9 - 0.1 * 0.894737 / (1.809630 + 1e-8) = 0.850557.
  double p = 1.0, m = 0.0, v = 0.0;
  double g = 2.0;
  ref::adam_update(&p, &g, &m, &v, 1, {0.1, 0.9, 0.999, 1e-8, 0.5, 1});
  EXPECT_NEAR(p, 0.9, 1e-8);
  // Step 2 worked from the exact step-1 value (eps puts it 4e-10 above 0.9).
  const double p1 = p;
  const double g2 = -1.0 + 0.5 * p1;
  const double m2 = 0.9 * 0.25 + 0.1 * g2;
  const double v2 = 0.999 * 0.00625 + 0.001 * g2 * g2;
  const double p2 = p1 - 0.1 * (m2 / 0.19) / (std::sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
  g = -1.0;
  ref::adam_update(&p, &g, &m, &v, 1, {0.1, 0.9, 0.999, 1e-8, 0.5, 2});
  EXPECT_NEAR(m, 0.17, 1e-9);
  EXPECT_NEAR(v, 0.00654625, 1e-9);
  EXPECT_NEAR(m, m2, 1e-15);
  EXPECT_NEAR(v, v2, 1e-15);
  EXPECT_NEAR(p, p2, 1e-14);
  EXPECT_NEAR(p, 0.850557, 1e-6);
}

TEST(Adam, WeightDecayOnFirstLayerOnlyWhenConfigured) {
  ModelConfig config = preset_config("kipf");
  EXPECT_EQ(layer_weight_decay(config, 0), 5e-4);
  EXPECT_EQ(layer_weight_decay(config, 1), 0.0);
  config = preset_config("mlx-gcn");
  EXPECT_EQ(layer_weight_decay(config, 0), 5e-3);
  EXPECT_EQ(layer_weight_decay(config, 1), 5e-3);
}

TEST(Dropout, KeepsExpectationAndDropRate) {
  const int64_t n = 1 << 20;
  std::vector<float> ones(n, 1.0f), out(n);
  for (double p : {0.1, 0.5, 0.8}) {
    ref::dropout(ones.data(), out.data(), 1, n, p, 42, 1, 7);
    double sum = 0;
    int64_t zeros = 0;
    for (float x : out) {
      sum += x;
      zeros += x == 0.0f;
    }
    // Binomial: std of the kept fraction is sqrt(p(1-p)/n) < 5e-4; 5e-3 is 10 sigma.
    EXPECT_NEAR(sum / n, 1.0, 5e-3 / (1 - p)) << "p=" << p;
    EXPECT_NEAR(static_cast<double>(zeros) / n, p, 5e-3) << "p=" << p;
  }
}

TEST(Dropout, MaskIsAFunctionOfSeedLayerEpochIndex) {
  int same = 0, differ_epoch = 0, differ_layer = 0, differ_seed = 0;
  for (uint64_t i = 0; i < 4096; ++i) {
    const bool keep = dropout_keep(9, 1, 3, i, 0.5f);
    same += keep == dropout_keep(9, 1, 3, i, 0.5f);
    differ_epoch += keep != dropout_keep(9, 1, 4, i, 0.5f);
    differ_layer += keep != dropout_keep(9, 0, 3, i, 0.5f);
    differ_seed += keep != dropout_keep(10, 1, 3, i, 0.5f);
  }
  EXPECT_EQ(same, 4096);
  // Independent masks disagree on about half the elements.
  EXPECT_NEAR(differ_epoch, 2048, 200);
  EXPECT_NEAR(differ_layer, 2048, 200);
  EXPECT_NEAR(differ_seed, 2048, 200);
}

TEST(Philox, MatchesPublishedKnownAnswer) {
  // Random123's known-answer test for philox4x32_10: counter and key all 0xffffffff... use
  // the zero vector: counter {0,0,0,0}, key {0,0} -> {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}.
  const Philox4 out = philox4x32_10({{0, 0, 0, 0}}, 0, 0);
  EXPECT_EQ(out.v[0], 0x6627e8d5u);
  EXPECT_EQ(out.v[1], 0xe169c58du);
  EXPECT_EQ(out.v[2], 0xbc57ac4cu);
  EXPECT_EQ(out.v[3], 0x9b00dbd8u);
}

TEST(SoftmaxCrossEntropy, HandComputedTwoClassRow) {
  // logits (0, ln 3): softmax (1/4, 3/4); label 1 -> loss -ln(3/4); grad (1/4, -1/4).
  const std::vector<double> logits{0.0, std::log(3.0), 5.0, 1.0};
  const std::vector<int32_t> labels{1, 0};
  const std::vector<Split> split{Split::Train, Split::Val};
  std::vector<double> grad(4, 99.0);
  const LossAndAccuracy r = ref::softmax_cross_entropy(logits.data(), 2, 2, labels, split, Split::Train, grad.data());
  EXPECT_NEAR(r.loss, -std::log(0.75), 1e-12);
  EXPECT_EQ(r.accuracy, 1.0);
  EXPECT_NEAR(grad[0], 0.25, 1e-12);
  EXPECT_NEAR(grad[1], -0.25, 1e-12);
  EXPECT_EQ(grad[2], 0.0);  // not a train row
  EXPECT_EQ(grad[3], 0.0);
}

}  // namespace
}  // namespace gcn
