// End-to-end accuracy of cpu-ref with the kipf preset on the shared Cora and Citeseer files,
// against the GCN paper (81.5 % and 70.3 %). Skipped, never passed, when the data is absent.
#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "data/loaders.hpp"
#include "train/trainer.hpp"
#include "support/random_problem.hpp"

namespace gcn {
namespace {

double mean_test_accuracy(const std::string& name, const std::string& backend_name) {
  const std::string dir = testing::shared_dataset_dir(name);
  if (dir.empty()) return -1;
  const Problem problem = make_problem(load_text_dataset(dir), preset_config("kipf"));
  auto backend = make_backend(backend_name, {});
  backend->load(problem);
  TrainOptions options;
  options.seeds = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  double sum = 0;
  for (const RunResult& run : train(*backend, problem, options)) sum += run.test.accuracy;
  return sum / 10;
}

TEST(Accuracy, CoraKipfCpuRefSeeds0To9) {
  const double accuracy = mean_test_accuracy("cora", "cpu-ref");
  if (accuracy < 0) GTEST_SKIP() << "../shared/data/cora not found (set GCNBENCH_SHARED_DATA)";
  std::printf("cora cpu-ref kipf mean test accuracy over seeds 0-9: %.4f\n", accuracy);
  EXPECT_GE(accuracy, 0.805);
}

TEST(Accuracy, CiteseerKipfCpuRefSeeds0To9) {
  const double accuracy = mean_test_accuracy("citeseer", "cpu-ref");
  if (accuracy < 0) GTEST_SKIP() << "../shared/data/citeseer not found (set GCNBENCH_SHARED_DATA)";
  std::printf("citeseer cpu-ref kipf mean test accuracy over seeds 0-9: %.4f\n", accuracy);
  EXPECT_GE(accuracy, 0.695);
}

}  // namespace
}  // namespace gcn
