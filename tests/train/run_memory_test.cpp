// The run's memory estimate against what runs really take: `gcnbench train --dry-run --json`
// beside the peak of the same run (VmHWM, and the cuda backend's counted device high-water
// mark), within 15%, on shapes where each kind of buffer dominates; and runs that cannot fit
// refused at once with exit 2, naming the flag that drives the size.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

using testing::CliRun;
using testing::run_gcnbench;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // shadow memory and quarantine make RSS meaningless here
#else
constexpr bool kSanitized = false;
#endif

nlohmann::json last_json_line(const CliRun& run, const std::string& event) {
  nlohmann::json found;
  for (const auto& line : run.result.stdout_lines) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json j = nlohmann::json::parse(line);
    if (j.value("event", "") == event) found = j;
  }
  return found;
}

struct Shape {
  const char* name;
  std::vector<std::string> args;
};

// Each a few hundred MB, so that the process's own ~10 MB is noise; each exercises a different
// dominant term: a sparse graph with sparse features, dense adjacency, dense features, wide
// hidden layers, a graph whose peak is the normalization, and one renumbered by RCM.
const std::vector<Shape>& shapes() {
  static const std::vector<Shape> list = {
      {"SparseGraph", {"--synthetic", "nodes=200000,degree=40,features=500,classes=8,seed=0,density=0.02"}},
      {"DenseAdjacency",
       {"--synthetic", "nodes=6000,degree=10,features=300,classes=8,seed=0", "--adj", "dense", "--features", "dense"}},
      {"DenseFeatures", {"--synthetic", "nodes=50000,degree=10,features=500,classes=8,seed=0", "--features", "dense"}},
      {"WideHidden",
       {"--synthetic", "nodes=40000,degree=10,features=100,classes=8,seed=0,density=0.1", "--hidden", "1024"}},
      {"NormalizationPeak",
       {"--synthetic", "nodes=200000,degree=100,features=16,classes=4,seed=1,density=0.25", "--hidden", "8"}},
      {"RenumberedGraph",
       {"--synthetic", "nodes=200000,degree=60,features=16,classes=4,seed=1,density=0.25", "--hidden", "8",
        "--reorder", "rcm"}},
  };
  return list;
}

class RunMemory : public ::testing::TestWithParam<std::tuple<std::string, int>> {
 protected:
  void SetUp() override {
    if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
    if (kSanitized) GTEST_SKIP() << "resident memory under AddressSanitizer says nothing about the estimate";
    const std::string& backend = std::get<0>(GetParam());
    std::vector<std::string> unavailable;
    const std::vector<std::string> names = available_backends(&unavailable);
    if (std::find(names.begin(), names.end(), backend) == names.end()) GTEST_SKIP() << backend << " cannot run here";
  }
};

TEST_P(RunMemory, EstimateWithinFifteenPercentOfTheMeasuredPeak) {
  const auto& [backend, index] = GetParam();
  const Shape& shape = shapes()[index];
  std::vector<std::string> args = {"train", "--backend", backend, "--epochs", "2", "--json", "--quiet"};
  args.insert(args.end(), shape.args.begin(), shape.args.end());
  std::vector<std::string> dry = args;
  dry.push_back("--dry-run");
  const CliRun estimate_run = run_gcnbench(dry);
  ASSERT_EQ(estimate_run.result.exit_code, 0) << estimate_run.command << "\n" << estimate_run.result.stderr_tail;
  const nlohmann::json estimate = last_json_line(estimate_run, "memory_estimate");
  ASSERT_TRUE(estimate.is_object()) << estimate_run.stdout_text;
  EXPECT_TRUE(estimate["fits"].get<bool>());
  EXPECT_TRUE(last_json_line(estimate_run, "run").is_null()) << "a dry run trained";

  const CliRun real = run_gcnbench(args, {}, 600);
  ASSERT_EQ(real.result.exit_code, 0) << real.command << "\n" << real.result.stderr_tail;
  const nlohmann::json run = last_json_line(real, "run");
  ASSERT_TRUE(run.is_object()) << real.stdout_text;
  const double host_estimate = estimate["host"]["peak_bytes"].get<double>();
  const double host_measured = run["peak_host_bytes"].get<double>();
  std::printf("[ memory   ] %s %s: host estimate %.1f MiB (while it %s), measured %.1f MiB, ratio %.3f",
              backend.c_str(), shape.name, host_estimate / 1048576,
              estimate["host"]["peak_phase"].get<std::string>().c_str(), host_measured / 1048576,
              host_estimate / host_measured);
  if (!estimate["device"].is_null())
    std::printf("; device estimate %.1f MiB, measured %.1f MiB, ratio %.3f",
                estimate["device"]["peak_bytes"].get<double>() / 1048576,
                run["peak_device_bytes"].get<double>() / 1048576,
                estimate["device"]["peak_bytes"].get<double>() / run["peak_device_bytes"].get<double>());
  std::printf("\n");
  EXPECT_NEAR(host_estimate / host_measured, 1.0, 0.15)
      << shape.name << ": host estimate " << host_estimate / 1048576 << " MiB (peak while it "
      << estimate["host"]["peak_phase"] << "), measured " << host_measured / 1048576 << " MiB";
  if (!estimate["device"].is_null()) {
    const double device_estimate = estimate["device"]["peak_bytes"].get<double>();
    const double device_measured = run["peak_device_bytes"].get<double>();
    EXPECT_NEAR(device_estimate / device_measured, 1.0, 0.15)
        << shape.name << ": device estimate " << device_estimate / 1048576 << " MiB, measured "
        << device_measured / 1048576 << " MiB";
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, RunMemory,
                         ::testing::Combine(::testing::Values("cpu-ref", "cpu", "cuda"), ::testing::Range(0, 5)),
                         [](const auto& info) {
                           std::string backend = std::get<0>(info.param);
                           std::erase(backend, '-');
                           return backend + "_" + shapes()[std::get<1>(info.param)].name;
                         });

class RunMemoryRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  }
  // Exit 2 at once (no training line), one error naming every part.
  static void expect_refused(const std::vector<std::string>& args, std::initializer_list<std::string> parts) {
    const CliRun run = run_gcnbench(args, {}, 60);
    SCOPED_TRACE(run.command + "\nstderr: " + run.result.stderr_tail);
    EXPECT_EQ(run.result.signal, 0);
    EXPECT_EQ(run.result.exit_code, 2);
    EXPECT_EQ(run.stdout_text.find("epoch"), std::string::npos) << "it started training";
    for (const std::string& part : parts) EXPECT_NE(run.result.stderr_tail.find(part), std::string::npos) << part;
  }
};

// Each buffer of 10.8 GB fits a machine; together they do not.
TEST_F(RunMemoryRefusal, HugeHiddenWidthNamesTheFlag) {
  expect_refused({"train", "--synthetic", "nodes=2708,degree=4,features=1433,classes=7,seed=0,density=0.013",
                  "--backend", "cpu-ref", "--hidden", "1000000", "--layers", "3"},
                 {"host memory at its peak", "--hidden", "more than the"});
}

// 2^31 - 1 features: the weights alone are 128 GiB per copy.
TEST_F(RunMemoryRefusal, HugeFeatureCountBeforeGenerating) {
  expect_refused({"train", "--synthetic", "nodes=1000,degree=4,features=2147483647,classes=4,seed=0,density=0.0000001",
                  "--backend", "cpu-ref"},
                 {"host memory at its peak", "feature count"});
}

TEST_F(RunMemoryRefusal, DenseAdjacencyOfALargeGraphNamesTheWayOut) {
  expect_refused({"train", "--synthetic", "nodes=1000000,degree=2,features=8,classes=4,seed=0", "--backend", "cpu-ref",
                  "--adj", "dense"},
                 {"dense adjacency", "use --adj sparse"});
}

TEST_F(RunMemoryRefusal, DryRunOfARunThatDoesNotFitPrintsTheEstimateAndExitsTwo) {
  const CliRun run = run_gcnbench({"train", "--synthetic", "nodes=1000000,degree=2,features=8,classes=4,seed=0",
                                   "--backend", "cpu-ref", "--adj", "dense", "--dry-run", "--json"},
                                  {}, 60);
  EXPECT_EQ(run.result.exit_code, 2) << run.result.stderr_tail;
  const nlohmann::json estimate = last_json_line(run, "memory_estimate");
  ASSERT_TRUE(estimate.is_object()) << run.stdout_text;
  EXPECT_FALSE(estimate["fits"].get<bool>());
  EXPECT_GT(estimate["host"]["peak_bytes"].get<double>(), 3.9e12);  // 10^12 floats
  EXPECT_EQ(estimate["shape"]["nodes"], 1000000);
}

}  // namespace
}  // namespace gcn
