// `gcnbench train --backend cuda --gpus N`: gcnbench starts one process per GPU itself. On a GPU
// machine one rank (N = 1, through the launcher, the rendezvous and NCCL) trains the curve of
// the one-GPU backend within 1e-5 and says so in its summary; everywhere, what --gpus cannot do
// is refused before any process starts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

constexpr const char* kGraph = "nodes=400,degree=6,features=40,classes=4,seed=3";

#define SKIP_WITHOUT_BINARY() \
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)"

TEST(TrainGpus, OneRankTrainsTheOneGpuCurve) {
  SKIP_WITHOUT_BINARY();
  if (const std::string why = backend_skip_reason("cuda"); !why.empty()) GTEST_SKIP() << "cuda: " << why;
  const std::vector<std::string> common = {
      "train",   "--synthetic", kGraph,   "--backend",         "cuda", "--epochs", "20",
      "--seeds", "5",           "--json", "--sync-every-epoch"};
  std::vector<std::string> with_gpus = common;
  with_gpus.insert(with_gpus.end(), {"--gpus", "1"});
  const auto one = testing::run_gcnbench(common);
  const auto ranked = testing::run_gcnbench(with_gpus);
  ASSERT_EQ(one.result.exit_code, 0) << one.command << "\n" << one.result.stderr_tail;
  ASSERT_EQ(ranked.result.exit_code, 0) << ranked.command << "\n" << ranked.result.stderr_tail;
  const auto want = testing::json_events(one.stdout_text, "epoch"), got = testing::json_events(ranked.stdout_text, "epoch");
  ASSERT_EQ(got.size(), 20u) << ranked.stdout_text;
  ASSERT_EQ(want.size(), got.size());
  for (size_t e = 0; e < want.size(); ++e) {
    const double a = got[e]["train_loss"].get<double>(), b = want[e]["train_loss"].get<double>();
    EXPECT_LE(std::abs(a - b) / std::max(std::abs(b), 1e-12), 1e-5) << "epoch " << e;
  }
  const auto summary = testing::json_events(ranked.stdout_text, "summary");
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary.front().value("ranks", 0), 1);
  EXPECT_NE(summary.front()["device_name"].get<std::string>().find("rank 0 of 1"), std::string::npos);
}

// Refused in the launching process, with exit 2 and the flag named, on any machine.
TEST(TrainGpus, WhatItCannotDoIsRefusedBeforeAnyRankStarts) {
  SKIP_WITHOUT_BINARY();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--backend", "cpu", "--gpus", "2"}, "--backend cuda"},
      {{"--backend", "cuda", "--gpus", "2", "--ranks", "2"}, "exclude each other"},
      {{"--backend", "cuda", "--gpus", "2", "--dry-run"}, "--dry-run"},
      {{"--backend", "cuda", "--gpus", "0"}, "--gpus"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args = {"train", "--synthetic", kGraph, "--epochs", "2"};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto run = testing::run_gcnbench(args);
    EXPECT_EQ(run.result.exit_code, 2) << run.command;
    EXPECT_NE(run.result.stderr_tail.find(message), std::string::npos) << run.command << "\n" << run.result.stderr_tail;
  }
}

}  // namespace
}  // namespace gcn
