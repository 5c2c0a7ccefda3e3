// The cuda backend beyond the conformance suite (tests/backends): the refusal of a dense
// adjacency that does not fit, and Cora test accuracy over 10 seeds against cpu-ref.
#ifdef GCNBENCH_HAVE_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "backends/backend.hpp"
#include "cuda/test_hooks.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "model/problem.hpp"
#include "train/trainer.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

std::vector<RunResult> run(const std::string& backend_name, const Problem& problem, uint64_t seed) {
  auto backend = make_backend(backend_name, {});
  backend->load(problem);
  TrainOptions options;
  options.seeds = {seed};
  return train(*backend, problem, options);
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
