// `gcnbench train --problem DIR`: an export trains to exactly the curve of the graph it was
// exported from (the same bytes, no preprocessing redone), model flags apply on top, and what
// cannot change (the preset, the features' normalization, a second data source) is refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGraph = "nodes=200,degree=5,features=30,classes=3,seed=4";

TEST(TrainProblem, AnExportTrainsTheCurveOfItsSource) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const fs::path dir = fs::temp_directory_path() / ("gcnbench-train-problem-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto exported =
      testing::run_gcnbench({"export", "--synthetic", kGraph, "--preset", "mlx-gcn", "--out", dir.string()});
  ASSERT_EQ(exported.result.exit_code, 0) << exported.command;

  const std::vector<std::string> common = {"--backend", "cpu-ref", "--epochs", "6", "--seeds", "0-1", "--json"};
  std::vector<std::string> from_source = {"train", "--synthetic", kGraph, "--preset", "mlx-gcn"};
  std::vector<std::string> from_export = {"train", "--problem", dir.string()};
  from_source.insert(from_source.end(), common.begin(), common.end());
  from_export.insert(from_export.end(), common.begin(), common.end());
  const auto a = testing::run_gcnbench(from_source);
  const auto b = testing::run_gcnbench(from_export);
  ASSERT_EQ(a.result.exit_code, 0) << a.command;
  ASSERT_EQ(b.result.exit_code, 0) << b.command;
  const auto epochs_a = testing::json_events(a.stdout_text, "epoch"), epochs_b = testing::json_events(b.stdout_text, "epoch");
  ASSERT_EQ(epochs_a.size(), 12u);
  ASSERT_EQ(epochs_b.size(), epochs_a.size());
  for (size_t i = 0; i < epochs_a.size(); ++i) {
    EXPECT_EQ(epochs_b[i]["train_loss"], epochs_a[i]["train_loss"]) << "epoch line " << i;  // bit for bit
    EXPECT_EQ(epochs_b[i]["val_loss"], epochs_a[i]["val_loss"]) << "epoch line " << i;
  }
  const auto summary = testing::json_events(b.stdout_text, "summary");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0]["preset"], "mlx-gcn");  // the export's configuration, not train's default kipf

  // A model flag changes the configuration trained.
  std::vector<std::string> deeper = from_export;
  deeper.insert(deeper.end(), {"--layers", "2"});
  const auto c = testing::run_gcnbench(deeper);
  ASSERT_EQ(c.result.exit_code, 0) << c.command;
  EXPECT_EQ(testing::json_events(c.stdout_text, "summary").at(0)["layers"], 2);

  // What the export fixed is refused, with exit status 2.
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {"--preset", "kipf"}, {"--row-normalize"}, {"--synthetic", kGraph}, {"--dry-run"}}) {
    std::vector<std::string> args = {"train", "--problem", dir.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto refused = testing::run_gcnbench(args);
    EXPECT_EQ(refused.result.exit_code, 2) << refused.command;
  }
  const auto missing = testing::run_gcnbench({"train", "--problem", (dir / "nowhere").string()});
  EXPECT_EQ(missing.result.exit_code, 2) << missing.command;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gcn
