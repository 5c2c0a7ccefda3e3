// `cmake --install`: an installed gcnbench, moved to another prefix and run from another
// directory, finds its peers, its chart script and its cuda module relative to itself
// (core/install_layout.hpp), never through the source tree it was built from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "bench/process.hpp"
#include "bench/python.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;

TEST(Install, AMovedPrefixRunsBenchWithItsChartAndPeerFromAnotherDirectory) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const fs::path root = fs::temp_directory_path() / ("gcnbench-install-test-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "elsewhere");
  ProcessOptions limit;
  limit.timeout_s = 300;
  const ProcessResult installed =
      run_process({GCNBENCH_CMAKE_COMMAND, "--install", GCNBENCH_BUILD_DIR, "--prefix", (root / "first").string()},
                  limit);
  ASSERT_TRUE(installed.succeeded()) << installed.describe_failure(limit.timeout_s) << "\n" << installed.stderr_tail;
  ASSERT_TRUE(fs::exists(root / "first/bin/gcnbench"));
  ASSERT_TRUE(fs::exists(root / "first/share/gcnbench/peers/torch_gcn.py"));
  ASSERT_TRUE(fs::exists(root / "first/share/gcnbench/scripts/plot-results"));
  fs::rename(root / "first", root / "moved");

  // From a directory that is neither the prefix nor the source tree, with none of the variables
  // that would point gcnbench at its files.
  const std::string out = (root / "elsewhere/results").string();
  const std::string command = "cd " + (root / "elsewhere").string() +
                              " && exec env -u GCNBENCH_HOME -u GCNBENCH_PEERS -u GCNBENCH_PLOT " +
                              (root / "moved/bin/gcnbench").string() +
                              " bench --synthetic nodes=120,degree=4,features=16,classes=3,seed=1 --backends cpu-ref"
                              " --peers torch-sparse --peer-devices cpu --runs 1 --epochs 3 --warmup 0 --profile 0"
                              " --out " +
                              out;
  const ProcessResult bench = run_process({"/bin/sh", "-c", command}, limit);
  ASSERT_TRUE(bench.succeeded()) << command << "\n" << bench.describe_failure(limit.timeout_s) << "\n" << bench.stderr_tail;
  EXPECT_TRUE(fs::exists(out + "/results.jsonl"));

  std::ifstream jsonl(out + "/results.jsonl");
  const std::string rows((std::istreambuf_iterator<char>(jsonl)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rows.find("can't open file"), std::string::npos) << rows;
  if (find_python_with("matplotlib")) {
    EXPECT_TRUE(fs::exists(out + "/chart.png")) << "matplotlib is here, but no chart was drawn:\n" << bench.stderr_tail;
  }
  if (find_python_with("torch")) {
    // The peer's row ran: its script was found in the moved prefix.
    EXPECT_NE(rows.find("torch-sparse"), std::string::npos) << rows;
    EXPECT_EQ(rows.find("No such file"), std::string::npos) << rows;
  }
  fs::remove_all(root);
}

}  // namespace
}  // namespace gcn
