// The cuda backend end to end against cpu-ref: loss curves (dropout on, same seed) for every
// adjacency / feature / bias placement combination, and Cora test accuracy over 10 seeds.
#ifdef GCNBENCH_HAVE_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "backends/backend.hpp"
#include "backends/cuda/test_hooks.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "model/problem.hpp"
#include "model/trainer.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

#define SKIP_WITHOUT_GPU()                                            \
  do {                                                                \
    const std::string why = cuda_test::unavailable_reason();          \
    if (!why.empty()) GTEST_SKIP() << "no usable GPU: " << why;       \
  } while (0)

struct CurveCase {
  const char* preset;
  AdjacencyMode adjacency;
  FeatureMode features;
  bool bias_before;
  int layers;
  int hidden = 0;  // 0: the preset's; below the 5 classes, the last layer aggregates first
};

std::vector<RunResult> run(const std::string& backend_name, const Problem& problem, uint64_t seed) {
  auto backend = make_backend(backend_name, {});
  backend->load(problem);
  TrainOptions options;
  options.seeds = {seed};
  return train(*backend, problem, options);
}

// 20 epochs, dropout 0.5 on: train and val loss of every epoch within 1e-4 relative of cpu-ref
// (fp32 summation order differs; the dropout masks are bit-identical, so curves track).
TEST(CudaBackend, LossCurvesMatchCpuRef) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = testing::fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Dataset data = generate_synthetic(parse_synthetic_spec(
      "nodes=700,degree=6,features=50,classes=5,seed=" + std::to_string(seed) + ",density=0.3"));
  const CurveCase cases[] = {
      {"kipf", AdjacencyMode::Sparse, FeatureMode::Sparse, false, 2},
      {"kipf", AdjacencyMode::Dense, FeatureMode::Dense, false, 2},
      {"kipf", AdjacencyMode::Sparse, FeatureMode::Dense, true, 3},
      {"kipf", AdjacencyMode::Dense, FeatureMode::Sparse, true, 1},
      {"mlx-gcn", AdjacencyMode::Dense, FeatureMode::Dense, true, 2},
      {"mlx-gcn", AdjacencyMode::Sparse, FeatureMode::Sparse, false, 2},
      {"kipf", AdjacencyMode::Sparse, FeatureMode::Sparse, false, 2, 3},
      {"kipf", AdjacencyMode::Dense, FeatureMode::Dense, false, 3, 4},
  };
  for (const CurveCase& c : cases) {
    ModelConfig config = preset_config(c.preset);
    config.adjacency = c.adjacency;
    config.features = c.features;
    config.bias_before_aggregation = c.bias_before;
    config.layers = c.layers;
    if (c.hidden > 0) config.hidden = c.hidden;
    config.epochs = 20;
    const Problem problem = make_problem(data, config);
    const std::string what = std::string(c.preset) + " adj " + to_string(c.adjacency) + " features " +
                             to_string(c.features) + (c.bias_before ? " bias-before" : " bias-after") + " layers " +
                             std::to_string(c.layers) + " hidden " + std::to_string(config.hidden);
    SCOPED_TRACE(what);
    const auto want = run("cpu-ref", problem, seed);
    const auto got = run("cuda", problem, seed);
    ASSERT_EQ(got[0].epochs.size(), want[0].epochs.size());
    for (size_t e = 0; e < want[0].epochs.size(); ++e) {
      const EpochMetrics& w = want[0].epochs[e];
      const EpochMetrics& g = got[0].epochs[e];
      EXPECT_NEAR(g.train_loss, w.train_loss, 1e-4 * std::abs(w.train_loss)) << "epoch " << e;
      EXPECT_NEAR(g.val_loss, w.val_loss, 1e-4 * std::abs(w.val_loss)) << "epoch " << e;
    }
    EXPECT_NEAR(got[0].test.loss, want[0].test.loss, 1e-4 * std::abs(want[0].test.loss));
  }
}

TEST(CudaBackend, DenseAdjacencyTooLargeIsRefused) {
  SKIP_WITHOUT_GPU();
  const Dataset data = generate_synthetic(parse_synthetic_spec("nodes=400000,degree=2,features=4,classes=2,seed=0"));
  ModelConfig config = preset_config("kipf");
  config.adjacency = AdjacencyMode::Dense;
  Problem problem;
  try {
    problem = make_problem(data, config);
  } catch (const Error& e) {
    GTEST_SKIP() << "make_problem refused first: " << e.what();
  }
  auto backend = make_backend("cuda", {});
  try {
    backend->load(problem);
    FAIL() << "a 400000^2 dense adjacency was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--adj sparse"), std::string::npos) << e.what();
  }
}

std::string cora_dir() {
  if (const char* d = std::getenv("GCNBENCH_DATA"); d && std::filesystem::exists(std::string(d) + "/cora/meta.txt"))
    return std::string(d) + "/cora";
  for (const char* d : {"../shared/data/cora", "../../shared/data/cora", "/work/shared/data/cora"})
    if (std::filesystem::exists(std::string(d) + "/meta.txt")) return d;
  return {};
}

// Kipf preset, 200 epochs, 10 seeds: mean test accuracy within 0.5 point of cpu-ref's.
TEST(CudaBackend, CoraAccuracyMatchesCpuRef) {
  SKIP_WITHOUT_GPU();
  const std::string dir = cora_dir();
  if (dir.empty()) GTEST_SKIP() << "Cora not found (set GCNBENCH_DATA to the folder holding cora/)";
  const Dataset data = load_text_dataset(dir);
  const Problem problem = make_problem(data, preset_config("kipf"));
  double sum_ref = 0, sum_cuda = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    sum_ref += run("cpu-ref", problem, seed)[0].test.accuracy;
    sum_cuda += run("cuda", problem, seed)[0].test.accuracy;
  }
  std::printf("[ cora     ] mean test accuracy over 10 seeds: cpu-ref %.4f, cuda %.4f\n", sum_ref / 10, sum_cuda / 10);
  EXPECT_NEAR(sum_cuda / 10, sum_ref / 10, 0.005);
}

}  // namespace
}  // namespace gcn

#endif  // GCNBENCH_HAVE_CUDA
