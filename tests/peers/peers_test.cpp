// The Python peers against a problem written by export_problem: the JSON-lines contract (one
// epoch line per epoch, one run line per seed, a summary last; "skipped" + exit 3 when the
// framework is missing) and dense/sparse agreement from shared initial weights.
// The interpreter is $GCNBENCH_PEER_PYTHON, else /usr/bin/python3 (Debian's, with torch).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/problem_files.hpp"
#include "model/parameters.hpp"
#include "support/tiny_problem.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string python() {
  const char* env = std::getenv("GCNBENCH_PEER_PYTHON");
  return env && *env ? env : "/usr/bin/python3";
}

struct PeerResult {
  int exit_code = -1;
  std::vector<json> lines;
};

PeerResult run_peer(const std::string& script, const std::string& args) {
  const std::string command =
      python() + " " + std::string(GCNBENCH_SOURCE_DIR) + "/peers/" + script + " " + args + " 2>/dev/null";
  PeerResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::string out;
  char buffer[4096];
  while (size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, got);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) result.lines.push_back(json::parse(line));  // every stdout line is JSON
  return result;
}

bool python_has(const std::string& module) {
  return std::system((python() + " -c 'import " + module + "' >/dev/null 2>&1").c_str()) == 0;
}

class Peers : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = std::random_device{}();
    dir_ = fs::temp_directory_path() / ("gcnbench-peers-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    problem_ = testing::tiny_problem(seed_, 60, 12, 3);
    export_problem(problem_, (dir_ / "problem").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  uint64_t seed_ = 0;
  fs::path dir_;
  Problem problem_;
};

TEST_F(Peers, TorchPrintsTheJsonLinesContract) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  SCOPED_TRACE("problem seed " + std::to_string(seed_));
  for (const std::string variant : {"dense", "sparse"}) {
    SCOPED_TRACE("variant " + variant);
    const PeerResult r =
        run_peer("torch_gcn.py", "--problem " + (dir_ / "problem").string() + " --variant " + variant +
                                     " --epochs 5 --seeds 0-1 --warmup 2 --threads 1");
    ASSERT_EQ(r.exit_code, 0);
    ASSERT_EQ(r.lines.size(), 2u * 5 + 2 + 1);  // epochs x seeds, a run per seed, the summary
    EXPECT_EQ(r.lines[0].at("event"), "epoch");
    EXPECT_TRUE(r.lines[0].at("epoch_ms").is_null());  // not synced per epoch
    const json& run = r.lines[5];
    EXPECT_EQ(run.at("event"), "run");
    EXPECT_EQ(run.at("epochs"), 5);
    EXPECT_GT(run.at("total_ms").get<double>(), 0.0);
    const json& summary = r.lines.back();
    EXPECT_EQ(summary.at("event"), "summary");
    EXPECT_EQ(summary.at("implementation"), "torch-" + variant);
    EXPECT_EQ(summary.at("adj"), variant);
    EXPECT_EQ(summary.at("dataset"), problem_.dataset_name);
    EXPECT_EQ(summary.at("seeds"), json::array({0, 1}));
    EXPECT_EQ(summary.at("threads"), 1);
    const double acc = summary.at("test_acc_mean").get<double>();
    EXPECT_GE(acc, 0.0);
    EXPECT_LE(acc, 1.0);
    EXPECT_TRUE(std::isfinite(summary.at("test_loss_mean").get<double>()));
  }
}

TEST_F(Peers, TorchDenseAndSparseAgreeFromTheSameWeights) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  SCOPED_TRACE("problem seed " + std::to_string(seed_));
  const std::string weights = (dir_ / "init.json").string();
  save_parameters(glorot_parameters(problem_.widths(), true, seed_), weights);
  std::vector<std::vector<json>> curves;
  for (const std::string variant : {"dense", "sparse"}) {
    const PeerResult r = run_peer("torch_gcn.py", "--problem " + (dir_ / "problem").string() + " --variant " +
                                                      variant + " --epochs 30 --dropout 0 --sync-every-epoch" +
                                                      " --init-weights " + weights);
    ASSERT_EQ(r.exit_code, 0) << variant;
    ASSERT_EQ(r.lines.size(), 30u + 2);
    EXPECT_FALSE(r.lines[0].at("epoch_ms").is_null());
    curves.push_back(r.lines);
  }
  // fp32 sums in another order (dense GEMM vs sparse gather) on losses of order 1, amplified
  // a little by 30 Adam steps: 1e-5 absolute is ~100x what we observe.
  for (size_t e = 0; e < 30; ++e)
    for (const char* key : {"train_loss", "val_loss"})
      EXPECT_NEAR(curves[0][e].at(key).get<double>(), curves[1][e].at(key).get<double>(), 1e-5)
          << key << " at epoch " << e;
}

// --compile: with torch >= 2 the compiled models follow the eager ones from the same weights
// (dropout off: compiled code draws its masks with another generator) and report their compile
// time apart; with an older torch (Debian 12's 1.13) the peer is skipped, saying why.
TEST_F(Peers, TorchCompileFollowsEagerOrIsSkippedWithTheReason) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  SCOPED_TRACE("problem seed " + std::to_string(seed_));
  const std::string weights = (dir_ / "init.json").string();
  save_parameters(glorot_parameters(problem_.widths(), true, seed_), weights);
  const bool has_compile =
      std::system((python() + " -c 'import sys, torch; sys.exit(0 if hasattr(torch, \"compile\") else 1)'"
                   " >/dev/null 2>&1").c_str()) == 0;
  for (const std::string variant : {"dense", "sparse"}) {
    SCOPED_TRACE("variant " + variant);
    const std::string args = "--problem " + (dir_ / "problem").string() + " --variant " + variant +
                             " --epochs 10 --dropout 0 --sync-every-epoch --threads 1 --init-weights " + weights;
    const PeerResult compiled = run_peer("torch_gcn.py", args + " --compile");
    if (!has_compile) {
      ASSERT_EQ(compiled.exit_code, 3);
      ASSERT_EQ(compiled.lines.size(), 1u);
      EXPECT_EQ(compiled.lines[0].at("event"), "skipped");
      EXPECT_EQ(compiled.lines[0].at("implementation"), "torch-" + variant + "-compile");
      EXPECT_NE(compiled.lines[0].at("reason").get<std::string>().find("torch >= 2.0"), std::string::npos);
      continue;
    }
    const PeerResult eager = run_peer("torch_gcn.py", args);
    ASSERT_EQ(compiled.exit_code, 0);
    ASSERT_EQ(eager.exit_code, 0);
    ASSERT_EQ(compiled.lines.size(), 10u + 2);
    const json& summary = compiled.lines.back();
    EXPECT_EQ(summary.at("implementation"), "torch-" + variant + "-compile");
    EXPECT_GT(summary.at("compile_ms").get<double>(), 0.0);
    EXPECT_TRUE(eager.lines.back().at("compile_ms").is_null());
    // Fused kernels sum in another order: the same 1e-5 as dense against sparse.
    for (size_t e = 0; e < 10; ++e)
      EXPECT_NEAR(compiled.lines[e].at("train_loss").get<double>(), eager.lines[e].at("train_loss").get<double>(), 1e-5)
          << "epoch " << e;
  }
}

// --timing dispatch: every epoch timed (the issuing only), the summary says so, and the metrics
// are still those of every epoch.
TEST_F(Peers, DispatchTimingTimesEveryEpochAndSaysSo) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  const PeerResult r = run_peer("torch_gcn.py", "--problem " + (dir_ / "problem").string() + " --epochs 5 --timing dispatch");
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.lines.size(), 5u + 2);
  for (size_t e = 0; e < 5; ++e) {
    EXPECT_GT(r.lines[e].at("epoch_ms").get<double>(), 0.0) << "epoch " << e;
    EXPECT_TRUE(std::isfinite(r.lines[e].at("train_loss").get<double>()));
  }
  EXPECT_EQ(r.lines[5].at("epoch_ms").size(), 5u);
  EXPECT_EQ(r.lines.back().at("timing"), "dispatch");
  const PeerResult contradiction = run_peer("torch_gcn.py", "--problem " + (dir_ / "problem").string() +
                                                                " --sync-every-epoch --timing dispatch");
  EXPECT_EQ(contradiction.exit_code, 2);
}

// The summary carries the model it trained: an mlx-gcn export trains three layers.
TEST_F(Peers, SummaryCarriesTheConfigOfAThreeLayerModel) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  const Problem mlx = testing::tiny_problem(seed_, 60, 12, 3, "mlx-gcn");
  export_problem(mlx, (dir_ / "mlx").string());
  const PeerResult r = run_peer("torch_gcn.py", "--problem " + (dir_ / "mlx").string() + " --epochs 3");
  ASSERT_EQ(r.exit_code, 0);
  const json& summary = r.lines.back();
  EXPECT_EQ(summary.at("layers"), 3);
  EXPECT_EQ(summary.at("config").at("layers"), 3);
  EXPECT_EQ(summary.at("config").at("regularizer"), "torch-l2");
}

// --regularizer mlx-gcn-l2norm (the MLX-vs-CUDA benchmark's MLX loss): the forward is unchanged,
// so epoch 0's cross-entropy equals the default's from the same weights; the updates then differ
// from those of torch's L2 in Adam. A config that decays layer 0 only cannot be expressed as
// one norm over every parameter and is refused.
TEST_F(Peers, L2NormRegularizerChangesTheUpdatesNotTheForward) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  SCOPED_TRACE("problem seed " + std::to_string(seed_));
  const Problem mlx = testing::tiny_problem(seed_, 60, 12, 3, "mlx-gcn");
  export_problem(mlx, (dir_ / "mlx").string());
  const std::string weights = (dir_ / "init.json").string();
  save_parameters(glorot_parameters(mlx.widths(), true, seed_), weights);
  const std::string base = "--problem " + (dir_ / "mlx").string() + " --epochs 10 --dropout 0 --sync-every-epoch" +
                           " --init-weights " + weights;
  const PeerResult torch_l2 = run_peer("torch_gcn.py", base);
  const PeerResult l2norm = run_peer("torch_gcn.py", base + " --regularizer mlx-gcn-l2norm");
  ASSERT_EQ(torch_l2.exit_code, 0);
  ASSERT_EQ(l2norm.exit_code, 0);
  EXPECT_EQ(l2norm.lines.back().at("implementation"), "torch-dense-l2norm");
  EXPECT_EQ(l2norm.lines.back().at("config").at("regularizer"), "mlx-gcn-l2norm");
  EXPECT_NEAR(l2norm.lines[0].at("train_loss").get<double>(), torch_l2.lines[0].at("train_loss").get<double>(), 1e-6);
  double largest = 0;
  for (size_t e = 1; e < 10; ++e)
    largest = std::max(largest, std::abs(l2norm.lines[e].at("train_loss").get<double>() -
                                          torch_l2.lines[e].at("train_loss").get<double>()));
  EXPECT_GT(largest, 1e-6) << "the regularizer changed nothing";

  const PeerResult refused =
      run_peer("torch_gcn.py", "--problem " + (dir_ / "problem").string() + " --regularizer mlx-gcn-l2norm");
  EXPECT_EQ(refused.exit_code, 2);  // the kipf export decays layer 0 only
}

TEST_F(Peers, AbsentFrameworksReportSkippedWithExitCode3) {
  if (!python_has("numpy")) GTEST_SKIP() << python() << " has no numpy";
  for (const auto& [script, module] : {std::pair<std::string, std::string>{"jax_gcn.py", "jax"},
                                       {"pyg_gcn.py", "torch_geometric"}, {"mlx_gcn.py", "mlx.core"}}) {
    SCOPED_TRACE(script);
    const PeerResult r = run_peer(script, "--problem " + (dir_ / "problem").string() + " --epochs 3");
    if (python_has(module)) {  // present (the GPU machine): then it must train
      ASSERT_EQ(r.exit_code, 0);
      EXPECT_EQ(r.lines.back().at("event"), "summary");
      continue;
    }
    ASSERT_EQ(r.exit_code, 3);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0].at("event"), "skipped");
    EXPECT_FALSE(r.lines[0].at("reason").get<std::string>().empty());
  }
}

TEST_F(Peers, BadProblemDirectoryExitsWith2) {
  if (!python_has("torch")) GTEST_SKIP() << python() << " has no torch";
  const PeerResult r = run_peer("torch_gcn.py", "--problem " + (dir_ / "missing").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.lines.empty());
}

}  // namespace
}  // namespace gcn
