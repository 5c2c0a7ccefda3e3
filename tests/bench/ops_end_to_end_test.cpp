// `gcnbench ops` run as a user runs it ($GCNBENCH_BINARY, set by CTest): a tiny synthetic graph,
// cpu-ref and cpu, the torch peer when a Python here has torch, small floor probes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/python.hpp"
#include "core/read_file.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

const char* kGraph = "nodes=300,degree=5,features=40,classes=4,seed=3";

class OpsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
    out_ =
        ::testing::TempDir() + "/gcnbench_ops_e2e_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(out_);
  }
  std::string out_;
};

std::vector<nlohmann::json> read_rows(const std::string& path) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST_F(OpsEndToEnd, TimesEveryOpBesideItsFloor) {
  const bool torch = find_python_with("torch").has_value();
  const testing::CliRun run = testing::run_gcnbench({"ops",
                                                     "--synthetic",
                                                     kGraph,
                                                     "--backends",
                                                     "cpu-ref,cpu",
                                                     "--peers",
                                                     torch ? "torch" : "none",
                                                     "--peer-devices",
                                                     "cpu",
                                                     "--ops",
                                                     "spmm,gemm,softmax_cross_entropy,adam_update,gather",
                                                     "--widths",
                                                     "16,41",
                                                     "--runs",
                                                     "2",
                                                     "--samples",
                                                     "3",
                                                     "--copy-floats",
                                                     "1048576",
                                                     "--fmas",
                                                     "16777216",
                                                     "--out",
                                                     out_},
                                                    {}, 600);
  ASSERT_TRUE(run.result.succeeded()) << run.result.describe_failure(600) << "\n" << run.result.stderr_tail;
  for (const char* file : {"results.jsonl", "results.csv", "report.md", "stderr.log"})
    EXPECT_TRUE(std::filesystem::exists(out_ + "/" + file)) << file;
  EXPECT_NE(run.stdout_text.find("of floor"), std::string::npos);

  const auto rows = read_rows(out_ + "/results.jsonl");
  int measured = 0, torch_rows = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row["schema"], "gcnbench-op-result-1");
    const std::string implementation = row["implementation"], op = row["op"];
    if (op == "gather") {
      EXPECT_FALSE(implementation.starts_with("gcnbench-")) << "gcnbench has no gather op";
    }
    if (implementation == "gcnbench-cpu-ref" && (op == "copy" || op == "fma")) {
      EXPECT_EQ(row["status"], "skipped");
      continue;
    }
    if (row["status"] != "ok") {
      ADD_FAILURE() << row["label"] << ": " << row["status"] << ": " << row["reason"];
      continue;
    }
    ++measured;
    torch_rows += implementation == "torch";
    EXPECT_EQ(row["runs"], 2) << row["label"];
    EXPECT_GT(row["time_ms"]["median"].get<double>(), 0) << row["label"];
    EXPECT_LE(row["time_ms"]["min"].get<double>(), row["time_ms"]["max"].get<double>());
    EXPECT_GT(row["bytes"].get<double>() + row["flops"].get<double>(), 0) << row["label"];
    // Every cpu row has a floor: the cpu backend's probes ran in the same invocation.
    ASSERT_TRUE(row["floor_fraction"].is_number()) << row["label"];
    EXPECT_GT(row["floor_fraction"].get<double>(), 0) << row["label"];
    if (op == "copy" || op == "fma") {
      EXPECT_LE(row["floor_fraction"].get<double>(), 1.0 + 1e-12) << row["label"];
    }
  }
  // spmm x2 widths, the two products of each layer's forward on 40->16->4 and 40->16->16->4...
  EXPECT_GE(measured, 10);
  if (torch) {
    EXPECT_GE(torch_rows, 6);
  }
  const std::string md = read_file(out_ + "/report.md");
  EXPECT_NE(md.find("## Floors measured here"), std::string::npos);
  EXPECT_NE(md.find("spmm"), std::string::npos);
}

TEST_F(OpsEndToEnd, BadRequestsStopBeforeAnythingRuns) {
  const auto unknown = testing::run_gcnbench({"ops", "--ops", "spmv", "--out", out_});
  EXPECT_EQ(unknown.result.exit_code, 2);
  EXPECT_NE(unknown.result.stderr_tail.find("unknown op 'spmv'"), std::string::npos) << unknown.result.stderr_tail;
  EXPECT_FALSE(std::filesystem::exists(out_ + "/results.jsonl"));
  const auto width = testing::run_gcnbench({"ops", "--widths", "16,x", "--out", out_});
  EXPECT_EQ(width.result.exit_code, 2);
  // CLI11 converts and range-checks each item of the list.
  EXPECT_NE(width.result.stderr_tail.find("--widths: Value x not in range"), std::string::npos) << width.result.stderr_tail;
  const auto backend = testing::run_gcnbench({"ops", "--backends", "tpu", "--out", out_});
  EXPECT_EQ(backend.result.exit_code, 2);
  EXPECT_NE(backend.result.stderr_tail.find("unknown backend 'tpu'"), std::string::npos);
}

TEST_F(OpsEndToEnd, AChildNamesATruncatedAdjacencyFile) {
  const auto exported = testing::run_gcnbench({"export", "--synthetic", kGraph, "--out", out_});
  ASSERT_TRUE(exported.result.succeeded()) << exported.result.stderr_tail;
  const std::string indices = out_ + "/adj_indices.npy";
  std::filesystem::resize_file(indices, std::filesystem::file_size(indices) - 8);
  const auto run = testing::run_gcnbench({"op-run", "--backend", "cpu", "--op", "spmm", "--n", "16", "--graph", out_});
  EXPECT_EQ(run.result.exit_code, 2);
  EXPECT_NE(run.result.stderr_tail.find("adj_indices.npy"), std::string::npos) << run.result.stderr_tail;
}

}  // namespace
}  // namespace gcn
