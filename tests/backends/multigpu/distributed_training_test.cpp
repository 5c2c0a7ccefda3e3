// The correctness criterion on the CPU: a P-rank run (P = 1..4, simulated ranks, dropout
// on) gives cpu-ref's loss curve within 1e-5 relative over 20 epochs, with both ways of
// exchanging activations, on graphs with empty rows of A_hat and (for P = 4) a rank that has no
// edges to any other. Also: replicated parameters stay bit-identical across ranks. (The bytes
// each mode moves are checked against the volume formula in comm_volume_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "backends/backend.hpp"
#include "backends/multigpu/comm_volume.hpp"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/multigpu_test_util.hpp"
#include "backends/multigpu/partition.hpp"
#include "backends/multigpu/simulated_run.hpp"
#include "core/error.hpp"
#include "model/parameters.hpp"

namespace gcn::multigpu {
namespace {

using testing::DistProblemSpec;
using testing::fresh_seed;
using testing::random_dist_problem;

double relative(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-12); }

struct Variant {
  const char* name;
  FeatureMode features;
  bool bias_before_aggregation;
  bool input_dropout;
  bool val_from_train_forward;
  int layers;
};

ModelConfig config_of(const Variant& v) {
  ModelConfig config = preset_config("kipf");
  config.features = v.features;
  config.bias_before_aggregation = v.bias_before_aggregation;
  config.input_dropout = v.input_dropout;
  config.val_from_train_forward = v.val_from_train_forward;
  config.layers = v.layers;
  config.dropout = 0.5;
  config.epochs = 20;
  // At Kipf's lr 0.01 the three-layer curve barely moves in 20 epochs on this small graph (up
  // to 0.965 of the first loss over 80 seeds); at 0.03 the last loss averages ~0.7 of the first
  // (worst of 400 seeds: 0.950), and the distributed curves still agree to ~1e-7.
  config.lr = 0.03;
  return config;
}

struct Case {
  Variant variant;
  int ranks;
  ExchangeMode mode;
  uint64_t fixed_seed;
};

class DistributedTraining : public ::testing::TestWithParam<Case> {};

// Float32 everywhere; what differs from cpu-ref is only where cross-rank sums regroup additions
// (weight gradients, the transposed aggregation of boundary rows): ~1e-7 relative per sum,
// which 20 Adam steps keep well below 1e-5 (worst seen: 2.6e-6, three layers). With one rank
// nothing is regrouped: bit for bit in the CPU-only build, but a CUDA-enabled build of the same
// sources differed by up to 6e-8 (cause not established; likely FMA contraction chosen
// differently for the two copies of a loop), hence 1e-6 rather than equality.
//
// Fixed seeds, one per case (GCNBENCH_TEST_SEED overrides them): with fresh seeds about one run
// in a thousand exceeds 1e-5 (2 of 3600 seen, up to 1.2e-4), and not because of a bug. ReLU's
// derivative jumps at 0: when a pre-activation lands within rounding of 0, the 1e-7 difference
// decides whether that node's gradient passes, the two runs' Adam steps then differ by ~lr x
// 1e-2 in that hidden unit, and the curves part. The optimized cpu backend, which only reorders
// sums too, parts from cpu-ref at the same epoch by the same amount on one of those seeds
// (634371; on 277685 its regrouping puts other pre-activations near 0). A test that fails once
// in a thousand runs for a reason that is not a bug teaches people to rerun it; so these seeds
// are fixed and the rate is reported in docs/multi-gpu.md.
//
// Accuracy is compared loosely for the same reason: rows whose logits are near-tied (the empty
// A_hat rows, whose logits are the output bias alone) can flip their argmax while the loss moves
// by 1e-8. Up to 3 of 64 train rows were seen to differ; 0.1 still catches a wrong count or
// denominator.
TEST_P(DistributedTraining, LossCurveMatchesCpuRefWithin1e5) {
  const Case c = GetParam();
  const uint64_t seed = std::getenv("GCNBENCH_TEST_SEED") ? fresh_seed() : c.fixed_seed;
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Problem problem = random_dist_problem({.seed = seed}, config_of(c.variant));
  const Parameters<float> initial = glorot_parameters(problem.widths(), problem.config.bias, seed);

  auto reference = make_backend("cpu-ref", {});
  reference->load(problem);
  reference->reset(initial, seed);
  for (int e = 0; e < problem.config.epochs; ++e) reference->train_epoch(e);
  const std::vector<EpochMetrics> want = reference->collect_metrics();
  const LossAndAccuracy want_test = reference->evaluate(Split::Test);

  const SimulatedRun got = train_simulated(problem, initial, {c.ranks, c.mode, problem.config.epochs, seed});
  ASSERT_EQ(got.epochs.size(), want.size());
  for (size_t e = 0; e < want.size(); ++e) {
    EXPECT_LE(relative(got.epochs[e].train_loss, want[e].train_loss), 1e-5) << "epoch " << e;
    EXPECT_LE(relative(got.epochs[e].val_loss, want[e].val_loss), 1e-5) << "epoch " << e;
    EXPECT_NEAR(got.epochs[e].train_acc, want[e].train_acc, 0.1) << "epoch " << e;
    if (c.ranks == 1) {
      EXPECT_LE(relative(got.epochs[e].train_loss, want[e].train_loss), 1e-6) << "epoch " << e;
      EXPECT_LE(relative(got.epochs[e].val_loss, want[e].val_loss), 1e-6) << "epoch " << e;
    }
  }
  EXPECT_LE(relative(got.test.loss, want_test.loss), 1e-5);
  EXPECT_TRUE(got.ranks_agree) << "replicated parameters or metrics differ between ranks";
  // The curve must move, or matching it proves little.
  EXPECT_LT(want.back().train_loss, want.front().train_loss * 0.95);
}

std::vector<Case> all_cases() {
  const Variant variants[] = {
      {"Kipf", FeatureMode::Sparse, false, true, false, 2},
      {"DenseFeaturesBiasBeforeValFromTrain", FeatureMode::Dense, true, false, true, 2},
      {"ThreeLayers", FeatureMode::Sparse, false, true, false, 3},
      // The mlx-gcn preset's model (three layers, dropout after each hidden one, bias before
      // aggregation, val off the training forward) with the sparse adjacency the ranks use.
      {"MlxGcnThreeLayers", FeatureMode::Dense, true, false, true, 3},
  };
  std::vector<Case> cases;
  for (const Variant& v : variants)
    for (const int ranks : {1, 2, 3, 4})
      for (const ExchangeMode mode : {ExchangeMode::Halo, ExchangeMode::AllGather})
        cases.push_back({v, ranks, mode, 1000 + cases.size()});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Ranks, DistributedTraining, ::testing::ValuesIn(all_cases()), [](const auto& info) {
  return std::string(info.param.variant.name) + "_P" + std::to_string(info.param.ranks) +
         (info.param.mode == ExchangeMode::Halo ? "_Halo" : "_AllGather");
});

// The fixture must really contain what the criterion asks for, or the curve test above would
// pass vacuously: empty A_hat rows, and with 4 ranks a last rank that exchanges nothing while
// the others do.
TEST(DistributedTrainingFixture, HasEmptyRowsAndAnIsolatedRank) {
  const Problem problem = random_dist_problem({.seed = 3}, preset_config("kipf"));
  int64_t empty_rows = 0;
  for (int64_t r = 0; r < problem.adjacency.rows; ++r)
    empty_rows += problem.adjacency.row_ptr[r + 1] == problem.adjacency.row_ptr[r];
  EXPECT_GT(empty_rows, 0);
  const std::vector<RankPlan> plans = build_halo_plans(problem.adjacency, partition_rows_by_cost(problem.adjacency, 4));
  EXPECT_EQ(plans[3].num_halo(), 0);
  EXPECT_TRUE(plans[3].send_rows.empty());
  EXPECT_GT(plans[0].num_halo() + plans[1].num_halo() + plans[2].num_halo(), 0);
}

TEST(DistributedTraining, RefusesDenseAdjacency) {
  ModelConfig config = preset_config("kipf");
  config.adjacency = AdjacencyMode::Dense;
  const Problem problem = random_dist_problem({.nodes = 20}, config);
  EXPECT_THROW(train_simulated(problem, glorot_parameters(problem.widths(), true, 1), {2, ExchangeMode::Halo, 1, 1}),
               Error);
}

}  // namespace
}  // namespace gcn::multigpu
