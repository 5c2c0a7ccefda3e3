// `--ranks P` through the Backend seam (backends/multigpu/backend.hpp): the simulated ranks train
// the single-device curve within 1e-5 relative, refuse what they cannot split, and reach the CLI.
// Why 1e-5: the ranks' masks and per-row products are the single device's; only the cross-rank
// sums (the loss and the gradients' all-reduce) add in another order (~1e-7 relative each).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "backends/backend.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"
#include "support/gcnbench_cli.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

double relative(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-12); }

bool compiled(const std::string& name) {
  const auto names = compiled_backends();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Problem random_problem(uint64_t seed, const ModelConfig& config) {
  const Dataset data = generate_synthetic(
      parse_synthetic_spec("nodes=300,degree=6,features=50,classes=4,density=0.2,seed=" + std::to_string(seed)));
  return make_problem(data, config);
}

std::vector<EpochMetrics> curve(Backend& backend, const Problem& problem, uint64_t seed) {
  backend.load(problem);
  backend.reset(glorot_parameters(problem.widths(), problem.config.bias, seed), seed);
  for (int e = 0; e < problem.config.epochs; ++e) backend.train_epoch(e);
  return backend.collect_metrics();
}

struct RankCase {
  const char* backend;
  int ranks;
  const char* preset;
  FeatureMode features;
};

class MultiRankBackend : public ::testing::TestWithParam<RankCase> {};

TEST_P(MultiRankBackend, TrainsTheSingleDeviceCurveWithin1e5) {
  const RankCase c = GetParam();
  if (!compiled(c.backend)) GTEST_SKIP() << c.backend << " is not compiled into this build";
  const uint64_t seed = testing::fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  ModelConfig config = preset_config(c.preset);
  config.adjacency = AdjacencyMode::Sparse;
  config.features = c.features;
  config.dropout = 0.5;
  config.input_dropout = true;
  config.epochs = 15;
  config.lr = 0.03;
  const Problem problem = random_problem(seed, config);

  BackendOptions ranked;
  ranked.ranks = c.ranks;
  ranked.threads = 2;
  auto single = make_backend(c.backend, {});
  auto ranks = make_backend(c.backend, ranked);
  EXPECT_EQ(ranks->info().ranks, c.ranks);
  const auto want = curve(*single, problem, seed);
  const auto got = curve(*ranks, problem, seed);
  ASSERT_EQ(got.size(), want.size());
  for (size_t e = 0; e < want.size(); ++e) {
    EXPECT_LE(relative(got[e].train_loss, want[e].train_loss), 1e-5) << "epoch " << e;
    EXPECT_LE(relative(got[e].val_loss, want[e].val_loss), 1e-5) << "epoch " << e;
  }
  EXPECT_LE(relative(ranks->evaluate(Split::Test).loss, single->evaluate(Split::Test).loss), 1e-5);
  // The replicas' parameters are the single device's after 15 Adam steps, and those moved from
  // where they started, or agreeing proves little: 15 steps of Adam at lr 0.03 move nearly every
  // weight by about 0.03 each (the train loss itself may fall only a few percent on some seeds).
  const Parameters<float> a = ranks->parameters(), b = single->parameters();
  const Parameters<float> start = glorot_parameters(problem.widths(), problem.config.bias, seed);
  ASSERT_EQ(a.weights.size(), b.weights.size());
  double moved = 0;
  for (size_t l = 0; l < a.weights.size(); ++l)
    for (size_t i = 0; i < a.weights[l].data.size(); ++i) {
      ASSERT_NEAR(a.weights[l].data[i], b.weights[l].data[i], 1e-4 + 1e-4 * std::abs(b.weights[l].data[i]))
          << "layer " << l << " weight " << i;
      moved = std::max(moved, static_cast<double>(std::abs(b.weights[l].data[i] - start.weights[l].data[i])));
    }
  EXPECT_GT(moved, 0.1);
}

INSTANTIATE_TEST_SUITE_P(HostBackends, MultiRankBackend,
                         ::testing::Values(RankCase{"cpu-ref", 1, "kipf", FeatureMode::Sparse},
                                           RankCase{"cpu-ref", 3, "kipf", FeatureMode::Dense},
                                           RankCase{"cpu-ref", 4, "mlx-gcn", FeatureMode::Dense},
                                           RankCase{"cpu", 2, "kipf", FeatureMode::Sparse},
                                           RankCase{"cpu", 3, "mlx-gcn", FeatureMode::Dense}),
                         [](const auto& info) {
                           std::string name = std::string(info.param.backend) + "_ranks" +
                                              std::to_string(info.param.ranks) + "_" + info.param.preset + "_" +
                                              to_string(info.param.features) + "Features";
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(MultiRankBackendRefuses, DenseAdjacencyNamingTheFlag) {
  ModelConfig config = preset_config("kipf");
  config.adjacency = AdjacencyMode::Dense;
  const Problem problem = random_problem(1, config);
  BackendOptions options;
  options.ranks = 2;
  auto backend = make_backend("cpu-ref", options);
  try {
    backend->load(problem);
    FAIL() << "a dense adjacency was split";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--adj sparse"), std::string::npos) << e.what();
  }
}

TEST(MultiRankBackendRefuses, MoreRanksThanNodes) {
  ModelConfig config = preset_config("kipf");
  const Problem problem = random_problem(1, config);
  BackendOptions options;
  options.ranks = 301;
  auto backend = make_backend("cpu-ref", options);
  EXPECT_THROW(backend->load(problem), Error);
}

TEST(MultiRankBackendRefuses, ABackendWithoutRanks) {
  if (!compiled("cuda")) GTEST_SKIP() << "cuda is not compiled into this build";
  if (!backend_skip_reason("cuda").empty()) GTEST_SKIP() << backend_skip_reason("cuda");
  BackendOptions options;
  options.ranks = 2;
  EXPECT_THROW(make_backend("cuda", options), Error);
}

TEST(MultiRankBackendCli, TrainWithRanksReportsThemInItsSummary) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const auto run =
      testing::run_gcnbench({"train", "--synthetic", "nodes=300,degree=5,features=40,classes=4,seed=0", "--backend",
                             "cpu-ref", "--ranks", "3", "--epochs", "3", "--json", "--profile", "1"});
  ASSERT_EQ(run.result.exit_code, 0) << run.command;
  std::istringstream lines(run.stdout_text);
  std::string line;
  int summaries = 0, profile_steps = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("event")) continue;
    if (j["event"] == "summary") {
      ++summaries;
      EXPECT_EQ(j.value("ranks", 0), 3);
      EXPECT_NE(j["device_name"].get<std::string>().find("3 simulated ranks"), std::string::npos);
    }
    if (j["event"] == "profile") ++profile_steps;
  }
  EXPECT_EQ(summaries, 1);
  EXPECT_GE(profile_steps, 4);  // forward, backward, all-reduce, adam (and val)

  const auto refused = testing::run_gcnbench({"train", "--synthetic", "nodes=300,degree=5,features=40,classes=4,seed=0",
                                              "--backend", "cpu-ref", "--ranks", "2", "--adj", "dense"});
  EXPECT_EQ(refused.result.exit_code, 2) << refused.command;
}

}  // namespace
}  // namespace gcn
