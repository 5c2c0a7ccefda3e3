// Result rows: aggregation of runs, the schema check, speedups, CSV/table, and merging the
// results directories of two machines (gcnbench report).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "bench/aggregate.hpp"
#include "bench/stats.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/csv.hpp"
#include "report/merge.hpp"
#include "report/result_schema.hpp"
#include "report/table.hpp"
#include "support/result_rows.hpp"

namespace gcn {
namespace {

using testing::environment;
using testing::outcome;

std::vector<nlohmann::json> machine_rows(const std::string& host, double scale) {
  const RowContext context{"mlx-gcn", 3, 1, environment(host)};
  RowOutcome skipped = outcome("jax-dense", {});
  skipped.status = "skipped";
  skipped.reason = "jax not installed";
  RowOutcome failed = outcome("pyg", {});
  failed.status = "failed";
  failed.reason = "exit status 1";
  failed.stderr_tail = "Traceback...";
  std::vector<nlohmann::json> rows = {
      make_result_row(outcome("gcnbench-cpu", {{1 * scale, 2 * scale, 3 * scale}, {2 * scale, 2 * scale, 2 * scale}}),
                      context),
      make_result_row(outcome("torch-dense", {{4 * scale, 4 * scale, 4 * scale}, {4 * scale, 4 * scale, 4 * scale}}),
                      context),
      make_result_row(skipped, context), make_result_row(failed, context)};
  apply_speedups(rows, "");
  sort_rows(rows);
  return rows;
}

TEST(ResultRows, TheRunIsTheStatisticalUnit) {
  const auto rows = machine_rows("a", 1.0);
  const auto& fast = rows[0];
  ASSERT_EQ(fast["implementation"], "gcnbench-cpu");
  // Runs {1, 2, 3} and {2, 2, 2}: two run means of 2 ms; the six epochs stay in the raw samples.
  EXPECT_EQ(fast["epoch_ms"]["n"], 2);
  EXPECT_EQ(fast["epoch_ms"]["samples"], 6);
  EXPECT_DOUBLE_EQ(fast["epoch_ms"]["mean"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(fast["epoch_ms"]["median"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(fast["epoch_ms"]["min"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(fast["epoch_ms"]["std"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(fast["epoch_ms_within_runs"]["min"].get<double>(), 1.0);
  EXPECT_EQ(fast["raw_samples"]["epoch_ms"], nlohmann::json::parse("[[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]"));
  EXPECT_EQ(fast["raw_samples"]["test_acc"].size(), 2u);
  EXPECT_EQ(fast["timing"], "per-epoch");
  EXPECT_NEAR(fast["test_acc_mean"].get<double>(), 0.805, 1e-12);
  EXPECT_EQ(fast["peak_host_bytes"], 1001);  // the maximum over runs
  // Default baseline: the PyTorch CPU dense row, 4 ms / 2 ms.
  EXPECT_EQ(fast["baseline"], "torch-dense/cpu/dense");
  EXPECT_DOUBLE_EQ(fast["speedup"].get<double>(), 2.0);
  EXPECT_EQ(rows[2]["status"], "failed");
  EXPECT_EQ(rows[3]["status"], "skipped");
}

TEST(ResultRows, TheIntervalIsThatOfTheRunMeans) {
  // Run means 1 and 3 ms: std sqrt(2), half-width t(0.975, 1) sqrt(2) / sqrt(2) = 12.706; the
  // epochs within each run are identical, so an interval over all 200 epochs would be +-0.14.
  const RowContext context{"mlx-gcn", 100, 1, environment("a")};
  const auto row =
      make_result_row(outcome("x", {std::vector<double>(100, 1.0), std::vector<double>(100, 3.0)}), context);
  EXPECT_DOUBLE_EQ(row["epoch_ms"]["mean"].get<double>(), 2.0);
  EXPECT_NEAR(row["epoch_ms"]["std"].get<double>(), std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(row["epoch_ms"]["ci95_low"].get<double>(), 2.0 - 12.706, 1e-9);
  EXPECT_NEAR(row["epoch_ms"]["ci95_high"].get<double>(), 2.0 + 12.706, 1e-9);
  EXPECT_NEAR(row["epoch_ms"]["cv"].get<double>(), std::sqrt(2.0) / 2, 1e-12);
  // CV 71% between runs, and the pooled epochs bimodal (3 ms against 1 ms).
  ASSERT_EQ(row["warnings"].size(), 2u) << row["warnings"].dump();
  EXPECT_NE(row["warnings"].dump().find("bimodal"), std::string::npos);
  EXPECT_NE(row["warnings"].dump().find("vary by 71%"), std::string::npos);
  std::vector<nlohmann::json> rows = {row};
  apply_speedups(rows, "");
  const auto errors = validate_result_row(rows[0]);
  EXPECT_TRUE(errors.empty()) << errors.front();
}

TEST(ResultRows, SteadyRowsCarryNoWarning) {
  const RowContext context{"mlx-gcn", 6, 1, environment("a")};
  const auto row =
      make_result_row(outcome("x", {{2.0, 2.1, 1.9, 2.0, 2.05, 1.95}, {2.02, 2.1, 1.98, 2.0, 2.0, 1.97}}), context);
  EXPECT_TRUE(row["warnings"].empty()) << row["warnings"].dump();
}

TEST(SampleShape, FarOutliersAndBimodalityAreNamed) {
  std::vector<double> steady(40, 1.0);
  for (size_t i = 0; i < steady.size(); ++i) steady[i] += 0.01 * static_cast<double>(i % 5);
  EXPECT_TRUE(shape_warnings(steady).empty());
  std::vector<double> spikes = steady;
  for (int i = 0; i < 4; ++i) spikes[i] = 10.0;  // 10% far beyond Q3 + 3 IQR
  const auto w = shape_warnings(spikes);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("outliers: 10%"), std::string::npos) << w[0];
  std::vector<double> two_modes;
  for (int i = 0; i < 20; ++i) two_modes.push_back(i % 2 ? 17.0 + 0.1 * i : 29.0);  // torch-dense once looked so
  const auto b = shape_warnings(two_modes);
  ASSERT_FALSE(b.empty());
  EXPECT_NE(b[0].find("bimodal"), std::string::npos);
}

TEST(ResultRows, EveryRowMatchesTheSchema) {
  for (const auto& row : machine_rows("a", 1.0)) {
    const auto errors = validate_result_row(row);
    EXPECT_TRUE(errors.empty()) << row.dump() << "\n" << (errors.empty() ? "" : errors.front());
  }
}

TEST(ResultRows, SchemaRejectsBrokenRows) {
  const nlohmann::json good = machine_rows("a", 1.0)[0];
  auto missing = good;
  missing.erase("epoch_ms");
  EXPECT_FALSE(validate_result_row(missing).empty());
  auto wrong_type = good;
  wrong_type["epoch_ms"]["mean"] = "fast";
  EXPECT_FALSE(validate_result_row(wrong_type).empty());
  auto bad_status = good;
  bad_status["status"] = "maybe";
  EXPECT_FALSE(validate_result_row(bad_status).empty());
  auto inconsistent = good;
  inconsistent["epoch_ms"]["min"] = 100.0;
  EXPECT_FALSE(validate_result_row(inconsistent).empty());
  auto no_env = good;
  no_env["environment"].erase("cpu_model");
  EXPECT_FALSE(validate_result_row(no_env).empty());
}

TEST(ResultRows, ExplicitBaseline) {
  auto rows = machine_rows("a", 1.0);
  EXPECT_EQ(apply_speedups(rows, "gcnbench-cpu"), "");
  for (const auto& row : rows) {
    if (row["implementation"] == "torch-dense") {
      EXPECT_DOUBLE_EQ(row["speedup"].get<double>(), 0.5);
    }
  }
  EXPECT_NE(apply_speedups(rows, "no-such-row"), "");  // a warning, then the first row
}

TEST(ResultRows, CsvHasAHeaderAndOneLinePerRow) {
  const auto rows = machine_rows("a", 1.0);
  const std::string csv = to_csv(rows);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(rows.size() + 1));
  EXPECT_TRUE(csv.starts_with("host,dataset,label,"));
  EXPECT_NE(csv.find(",exit status 1,"), std::string::npos) << csv;
}

TEST(Report, MergesTwoMachines) {
  const std::string base = ::testing::TempDir() + "/gcnbench_merge_test";
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base + "/a");
  std::filesystem::create_directories(base + "/b");
  write_file_atomically(base + "/a/results.jsonl", to_jsonl(machine_rows("laptop", 1.0)));
  write_file_atomically(base + "/b/results.jsonl", to_jsonl(machine_rows("gpu-box", 0.1)));

  const auto merged = merge_results({base + "/a", base + "/b"}, "");
  ASSERT_EQ(merged.size(), 8u);
  EXPECT_EQ(merged[0]["host"], "gpu-box");  // fastest first across machines
  EXPECT_EQ(merged[0]["implementation"], "gcnbench-cpu");
  const TextTable table = make_table(merged);
  EXPECT_EQ(table.header.front(), "host");  // two machines: a host column
  EXPECT_EQ(table.cells.size(), 4u);
  EXPECT_EQ(table.not_measured.size(), 4u);

  // One baseline across machines: laptop's torch row, 4 ms.
  const auto rebased = merge_results({base + "/a", base + "/b"}, "torch-dense/cpu@laptop");
  EXPECT_EQ(rebased[0]["baseline"], "torch-dense/cpu/dense@laptop");
  EXPECT_NEAR(rebased[0]["speedup"].get<double>(), 4.0 / 0.2, 1e-9);

  write_file_atomically(base + "/b/results.jsonl", "{\"schema\":\"something-else\"}\n");
  EXPECT_THROW(merge_results({base + "/a", base + "/b"}, ""), Error);
}

}  // namespace
}  // namespace gcn
