// bench's row planning (bench/bench_plan.hpp): which rows a request gives and what each run's
// command line says, before anything runs.
#include "bench/bench_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"

namespace gcn {
namespace {

bool has(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return std::search(argv.begin(), argv.end(), words.begin(), words.end()) != argv.end();
}

TEST(BenchPlan, BackendRowsCarryTheirComputationTimingAndProfile) {
  BenchPlanSettings settings;
  settings.backends = {"cpu-ref"};
  settings.peers = {"none"};
  settings.timing_list = {"per-epoch", "dispatch"};
  settings.self = "/bin/gcnbench";
  settings.profile = 3;
  settings.threads = 2;
  const ModelConfig config = preset_config("kipf");
  const auto modes = bench_computations(settings, config, {}, {});
  ASSERT_EQ(modes.size(), 1u);  // the preset's computation alone: no peer selected
  const PlannedSource source{{"--dataset", "cora"}, "cora", "/tmp/problem"};
  const auto rows = backend_rows(settings, source, modes, {"--epochs", "7"}, config);
  ASSERT_EQ(rows.size(), 1u);  // dispatch timing is no row on a CPU
  EXPECT_EQ(rows[0].label, "gcnbench-cpu-ref/cpu/sparse");
  EXPECT_TRUE(rows[0].skipped_reason.empty());
  const auto first = rows[0].command(0), second = rows[0].command(1);
  EXPECT_EQ(first.front(), "/bin/gcnbench");
  EXPECT_TRUE(has(first, {"--dataset", "cora"}));
  EXPECT_TRUE(has(first, {"--epochs", "7"}));
  EXPECT_TRUE(has(first, {"--adj", "sparse"}));
  EXPECT_TRUE(has(first, {"--threads", "2"}));
  EXPECT_TRUE(has(first, {"--sync-every-epoch"}));
  EXPECT_TRUE(has(first, {"--profile", "3"}));  // only the first run profiles
  EXPECT_FALSE(has(second, {"--profile", "3"}));
  EXPECT_TRUE(has(second, {"--seeds", "1"}));

  settings.adj = {"dense", "sparse"};
  const auto both = bench_computations(settings, config, {}, {});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(backend_rows(settings, source, both, {}, config)[0].label, "gcnbench-cpu-ref/cpu/dense");
}

TEST(BenchPlan, RefusesWordsItDoesNotKnow) {
  BenchPlanSettings settings;
  settings.timing_list = {"per-epoch", "hourly"};
  EXPECT_THROW(bench_timings(settings), Error);
  settings.timing_list.clear();
  settings.adj = {"dense", "diagonal"};
  EXPECT_THROW(bench_computations(settings, preset_config("kipf"), {}, {}), Error);
  settings.backends = {"cpu-ref", "gpu9"};
  EXPECT_THROW(check_backend_names(settings), Error);
  settings.backends = {"cpu-ref", "cuda"};  // known, even in a build without it: a skipped row
  EXPECT_NO_THROW(check_backend_names(settings));
}

TEST(BenchPlan, PeerRowsReadTheExportAndSayWhyTheyCannotRun) {
  BenchPlanSettings settings;
  settings.peers = {"torch-dense"};
  settings.peer_devices = {"cpu"};
  settings.peers_dir = "/nonexistent-peers";
  const PlannedSource source{{"--dataset", "cora"}, "cora", "/tmp/problem"};
  const auto rows = peer_rows(settings, source, 9);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].label, "torch-dense/cpu/dense");
  EXPECT_NE(rows[0].skipped_reason.find("not found"), std::string::npos) << rows[0].skipped_reason;
  const auto argv = rows[0].command(4);
  EXPECT_TRUE(has(argv, {"--problem", "/tmp/problem"}));
  EXPECT_TRUE(has(argv, {"--epochs", "9"}));
  EXPECT_TRUE(has(argv, {"--seeds", "4"}));
}

}  // namespace
}  // namespace gcn
