// The Mann-Whitney U test against values counted by hand, and `gcnbench compare` on rows with a
// planted slowdown and on identical rows (no false alarm), in-process and as the binary.
#include "report/compare.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "bench/aggregate.hpp"
#include "bench/significance.hpp"
#include "core/atomic_file.hpp"
#include "report/result_schema.hpp"
#include "support/gcnbench_cli.hpp"
#include "support/result_rows.hpp"

namespace gcn {
namespace {

TEST(MannWhitney, ExactValuesCountedByHand) {
  // Complete separation of 3 and 3: one arrangement in C(6, 3) = 20 on each side.
  const MannWhitney separated = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(separated.exact);
  EXPECT_DOUBLE_EQ(separated.u, 0);
  EXPECT_NEAR(separated.p_value, 2.0 / 20, 1e-12);
  // {1, 3, 5} against {2, 4, 6}: U = 3; P(U <= 3) = (1 + 1 + 2 + 3) / 20.
  const MannWhitney mixed = mann_whitney_u({1, 3, 5}, {2, 4, 6});
  EXPECT_DOUBLE_EQ(mixed.u, 3);
  EXPECT_NEAR(mixed.p_value, 2 * 7.0 / 20, 1e-12);
  // Five runs against five, fully separated: 2 / C(10, 5) = 2 / 252, below 0.05.
  EXPECT_NEAR(mann_whitney_u({10, 11, 12, 13, 14}, {1, 2, 3, 4, 5}).p_value, 2.0 / 252, 1e-12);
}

TEST(MannWhitney, TiesAndLargeSamplesUseTheNormalApproximation) {
  const MannWhitney same = mann_whitney_u({2, 2, 2, 2}, {2, 2, 2, 2});
  EXPECT_FALSE(same.exact);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
  std::vector<double> a, b, c;
  for (int i = 0; i < 30; ++i) {
    a.push_back(10 + 0.01 * i);
    b.push_back(11 + 0.01 * i);
    c.push_back(10.005 + 0.01 * i);
  }
  const MannWhitney apart = mann_whitney_u(b, a);
  EXPECT_FALSE(apart.exact);
  EXPECT_LT(apart.p_value, 1e-6);
  EXPECT_GT(mann_whitney_u(c, a).p_value, 0.5);  // interleaved: no difference
}

std::vector<nlohmann::json> rows_with(double scale) {
  const RowContext context{"mlx-gcn", 3, 1, testing::environment("a")};
  std::vector<std::vector<double>> runs;
  for (double mean : {10.0, 10.1, 9.9, 10.05, 9.95}) runs.push_back({mean * scale, mean * scale, mean * scale});
  std::vector<nlohmann::json> rows = {make_result_row(testing::outcome("gcnbench-cpu", runs), context),
                                      make_result_row(testing::outcome("torch-dense", runs), context)};
  apply_speedups(rows, "");
  return rows;
}

TEST(Compare, APlantedSlowdownIsFlaggedAndIdenticalRowsAreNot) {
  const auto old_rows = rows_with(1.0);
  auto new_rows = rows_with(1.0);
  new_rows[0] = rows_with(1.2)[0];  // gcnbench-cpu 20% slower, torch unchanged
  const auto compared = compare_results(old_rows, new_rows);
  ASSERT_EQ(compared.size(), 2u);
  EXPECT_EQ(compared[0]["label"], "gcnbench-cpu/cpu/dense");
  EXPECT_EQ(compared[0]["verdict"], "slower");
  EXPECT_NEAR(compared[0]["ratio"].get<double>(), 1.2, 1e-12);
  EXPECT_NEAR(compared[0]["p_value"].get<double>(), 2.0 / 252, 1e-12);
  EXPECT_EQ(compared[1]["verdict"], "no significant difference");
  EXPECT_EQ(regressions(compared, 10).size(), 1u);
  EXPECT_TRUE(regressions(compared, 25).empty());  // slower, but not by more than 25%
  EXPECT_TRUE(regressions(compare_results(old_rows, old_rows), 0).empty());
}

TEST(Compare, UnmatchedRowsAndOldFilesAreSaidSo) {
  auto old_rows = rows_with(1.0);
  auto new_rows = rows_with(1.0);
  new_rows.pop_back();
  old_rows[0].erase("raw_samples");  // as a gcnbench-result-1 row
  const auto compared = compare_results(old_rows, new_rows);
  ASSERT_EQ(compared.size(), 2u);
  EXPECT_NE(compared[0]["verdict"].get<std::string>().find("no test"), std::string::npos);
  EXPECT_EQ(compared[1]["verdict"], "only in old");
}

TEST(Compare, TheCommandFailsAboveTheThresholdOnly) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const std::string dir = ::testing::TempDir() + "/gcnbench_compare_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_file_atomically(dir + "/old.jsonl", to_jsonl(rows_with(1.0)));
  write_file_atomically(dir + "/same.jsonl", to_jsonl(rows_with(1.0)));
  write_file_atomically(dir + "/slow.jsonl", to_jsonl(rows_with(1.2)));
  const auto same = testing::run_gcnbench({"compare", dir + "/old.jsonl", dir + "/same.jsonl", "--fail-above", "10"});
  EXPECT_EQ(same.result.exit_code, 0) << same.result.stderr_tail;
  EXPECT_NE(same.stdout_text.find("no significant difference"), std::string::npos) << same.stdout_text;
  const auto slow = testing::run_gcnbench(
      {"compare", dir + "/old.jsonl", dir + "/slow.jsonl", "--fail-above", "10", "--out", dir + "/out"});
  EXPECT_EQ(slow.result.exit_code, 1) << slow.result.stderr_tail;
  EXPECT_NE(slow.result.stderr_tail.find("slower by more than 10%"), std::string::npos) << slow.result.stderr_tail;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/compare.json"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/compare.md"));
  const auto lenient =
      testing::run_gcnbench({"compare", dir + "/old.jsonl", dir + "/slow.jsonl", "--fail-above", "30"});
  EXPECT_EQ(lenient.result.exit_code, 0) << lenient.result.stderr_tail;
  const auto missing = testing::run_gcnbench({"compare", dir + "/nope", dir + "/slow.jsonl"});
  EXPECT_EQ(missing.result.exit_code, 2);
}

}  // namespace
}  // namespace gcn
