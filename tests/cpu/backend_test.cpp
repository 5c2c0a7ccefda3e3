// The cpu backend beyond the conformance suite (tests/backends): determinism, and Cora accuracy
// over 10 seeds against cpu-ref.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "backends/backend.hpp"
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"
#include "train/trainer.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

std::vector<EpochMetrics> train_curve(const std::string& backend_name, const Problem& problem, uint64_t seed,
                                      int epochs, Parameters<float>* final_params = nullptr) {
  auto backend = make_backend(backend_name, BackendOptions{});
  backend->load(problem);
  backend->reset(glorot_parameters(problem.widths(), problem.config.bias, seed), seed);
  for (int e = 0; e < epochs; ++e) backend->train_epoch(e);
  if (final_params) *final_params = backend->parameters();
  return backend->collect_metrics();
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
