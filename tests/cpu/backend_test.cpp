// The cpu backend against cpu-ref through the Backend interface: 20-epoch loss curves in every
// combination of adjacency mode, feature mode, bias placement and input dropout; determinism;
// Cora accuracy over 10 seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "backends/backend.hpp"
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"
#include "model/trainer.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

using testing::fresh_seed;

std::vector<EpochMetrics> train_curve(const std::string& backend_name, const Problem& problem, uint64_t seed,
                                      int epochs, Parameters<float>* final_params = nullptr) {
  auto backend = make_backend(backend_name, BackendOptions{});
  backend->load(problem);
  backend->reset(glorot_parameters(problem.widths(), problem.config.bias, seed), seed);
  for (int e = 0; e < epochs; ++e) backend->train_epoch(e);
  if (final_params) *final_params = backend->parameters();
  return backend->collect_metrics();
}

double relative(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-12); }

struct Variant {
  AdjacencyMode adjacency;
  FeatureMode features;
  bool bias_before_aggregation;
  bool input_dropout;
};

std::string name(const Variant& v) {
  return std::string(to_string(v.adjacency)) + "Adj_" + to_string(v.features) + "Features_" +
         (v.bias_before_aggregation ? "BiasBefore" : "BiasAfter") + (v.input_dropout ? "_InputDropout" : "");
}

class CpuBackendCurve : public ::testing::TestWithParam<Variant> {};

// 20 epochs with dropout 0.5 from the same Glorot seed: every epoch's train and val loss within
// 1e-4 relative of cpu-ref. The masks are identical by construction; what differs is float
// summation order (~1e-6 per product), which 20 Adam steps grow but not past 1e-4.
TEST_P(CpuBackendCurve, LossCurveMatchesCpuRef) {
  const Variant v = GetParam();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  ModelConfig config = preset_config("kipf");
  config.adjacency = v.adjacency;
  config.features = v.features;
  config.bias_before_aggregation = v.bias_before_aggregation;
  config.input_dropout = v.input_dropout;
  config.dropout = 0.5;
  // At lr 0.01 some seeds' 20-epoch curves (dropout noise) end within 2% of where they began, so
  // the check below that they moved failed on them (seeds 701763, 87082, 837577).
  config.lr = 0.03;
  // Sparse bag-of-words features (density 0.1), so that dense and sparse feature modes differ.
  const Dataset data = generate_synthetic(
      parse_synthetic_spec("nodes=400,degree=6,features=120,classes=5,density=0.1,seed=" + std::to_string(seed)));
  const Problem problem = make_problem(data, config);
  Parameters<float> ref_params, cpu_params;
  const auto want = train_curve("cpu-ref", problem, seed, 20, &ref_params);
  const auto got = train_curve("cpu", problem, seed, 20, &cpu_params);
  ASSERT_EQ(got.size(), want.size());
  for (size_t e = 0; e < want.size(); ++e) {
    EXPECT_LE(relative(got[e].train_loss, want[e].train_loss), 1e-4) << "epoch " << e;
    EXPECT_LE(relative(got[e].val_loss, want[e].val_loss), 1e-4) << "epoch " << e;
  }
  // The losses must actually move, or the comparison above proves little.
  EXPECT_LT(want.back().train_loss, want.front().train_loss * 0.98);
}

INSTANTIATE_TEST_SUITE_P(AllModes, CpuBackendCurve, ::testing::ValuesIn([] {
                           std::vector<Variant> vs;
                           for (auto adj : {AdjacencyMode::Sparse, AdjacencyMode::Dense})
                             for (auto feat : {FeatureMode::Sparse, FeatureMode::Dense})
                               for (bool before : {false, true})
                                 for (bool input : {false, true}) vs.push_back({adj, feat, before, input});
                           return vs;
                         }()),
                         [](const auto& info) { return name(info.param); });

// The mlx-gcn preset end to end (val metrics from the training forward, weight decay on all layers).
TEST(CpuBackend, MlxPresetCurveMatchesCpuRef) {
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Dataset data = generate_synthetic(
      parse_synthetic_spec("nodes=300,degree=5,features=64,classes=4,density=0.2,seed=" + std::to_string(seed)));
  const Problem problem = make_problem(data, preset_config("mlx-gcn"));
  const auto want = train_curve("cpu-ref", problem, seed, 20);
  const auto got = train_curve("cpu", problem, seed, 20);
  ASSERT_EQ(got.size(), want.size());
  for (size_t e = 0; e < want.size(); ++e) {
    EXPECT_LE(relative(got[e].train_loss, want[e].train_loss), 1e-4) << "epoch " << e;
    EXPECT_LE(relative(got[e].val_loss, want[e].val_loss), 1e-4) << "epoch " << e;
    EXPECT_EQ(got[e].val_acc, want[e].val_acc) << "epoch " << e;
  }
}

TEST(CpuBackend, RepeatedRunsAreBitwiseIdentical) {
  const Dataset data = generate_synthetic(parse_synthetic_spec("nodes=500,degree=8,features=40,classes=3,seed=4"));
  for (const char* preset : {"kipf", "mlx-gcn"}) {
    const Problem problem = make_problem(data, preset_config(preset));
    const auto a = train_curve("cpu", problem, 11, 10);
    const auto b = train_curve("cpu", problem, 11, 10);
    for (size_t e = 0; e < a.size(); ++e) {
      EXPECT_EQ(a[e].train_loss, b[e].train_loss) << preset << " epoch " << e;
      EXPECT_EQ(a[e].val_loss, b[e].val_loss) << preset << " epoch " << e;
    }
  }
}

// Cora, kipf preset, 200 epochs, seeds 0-9: mean test accuracy within 0.5 point of cpu-ref.
TEST(CpuBackend, CoraAccuracyMatchesCpuRef) {
  const std::string dir = std::string(GCNBENCH_SOURCE_DIR) + "/../shared/data/cora";
  Dataset data;
  try {
    data = load_text_dataset(dir);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "Cora not available at " << dir << ": " << e.what();
  }
  const Problem problem = make_problem(data, preset_config("kipf"));
  TrainOptions options;
  options.seeds = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  double mean[2] = {0, 0};
  int i = 0;
  for (const char* name : {"cpu-ref", "cpu"}) {
    auto backend = make_backend(name, BackendOptions{});
    backend->load(problem);
    for (const RunResult& run : train(*backend, problem, options)) mean[i] += run.test.accuracy / 10.0;
    ++i;
  }
  EXPECT_NEAR(mean[1], mean[0], 0.005) << "cpu-ref " << mean[0] << ", cpu " << mean[1];
  EXPECT_GT(mean[1], 0.75);  // Kipf & Welling report 81.5%
}

}  // namespace
}  // namespace gcn
