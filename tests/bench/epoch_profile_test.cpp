// `gcnbench train --profile`: a profiled epoch is a training epoch (same parameters after it as
// after train_epoch, on every backend that can run here), its steps are the whole epoch with
// costs the report can compute, and the CLI prints them as JSON lines.
#include "bench/epoch_profile.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <sstream>

#include "backends/backend.hpp"
#include "core/error.hpp"
#include "model/parameters.hpp"
#include "report/profile_report.hpp"
#include "support/gcnbench_cli.hpp"
#include "support/random_problem.hpp"

namespace gcn {
namespace {

ModelConfig profiled_config(bool dense_features) {
  ModelConfig c;
  c.layers = 2;
  c.hidden = 8;
  c.dropout = 0.5;
  c.input_dropout = true;
  c.features = dense_features ? FeatureMode::Dense : FeatureMode::Sparse;
  return c;
}

double max_difference(const Parameters<float>& a, const Parameters<float>& b) {
  double d = 0;
  for (size_t l = 0; l < a.weights.size(); ++l) {
    for (size_t i = 0; i < a.weights[l].data.size(); ++i)
      d = std::max(d, std::abs(static_cast<double>(a.weights[l].data[i]) - b.weights[l].data[i]));
    for (size_t i = 0; i < a.biases[l].size(); ++i)
      d = std::max(d, std::abs(static_cast<double>(a.biases[l][i]) - b.biases[l][i]));
  }
  return d;
}

TEST(EpochProfile, AProfiledEpochTrainsAsTrainEpochOnEveryBackend) {
  for (const bool dense : {false, true}) {
    testing::RandomProblemSpec spec;
    spec.nodes = 60;
    spec.features = 40;
    const Problem problem = testing::random_problem(spec, profiled_config(dense));
    const Parameters<float> init = glorot_parameters(problem.widths(), problem.config.bias, 3);
    for (const std::string& name : available_backends()) {
      SCOPED_TRACE(name + (dense ? " dense features" : " sparse features"));
      auto trained = make_backend(name, {});
      auto profiled = make_backend(name, {});
      for (auto* b : {trained.get(), profiled.get()}) {
        b->load(problem);
        b->reset(init, 11);
      }
      std::vector<StepTime> steps;
      for (int e = 0; e < 3; ++e) {
        trained->train_epoch(e);
        steps = profiled->profile_epoch(e);
      }
      EXPECT_EQ(trained->collect_metrics().size(), 3u);
      EXPECT_EQ(profiled->collect_metrics().size(), 3u);
      EXPECT_LE(max_difference(trained->parameters(), profiled->parameters()), 1e-6);
      ASSERT_FALSE(steps.empty());
      std::set<std::string> ops;
      for (const StepTime& s : steps) {
        EXPECT_GE(s.ms, 0.0) << s.step;
        EXPECT_NO_THROW(op_cost(s.op, s.m, s.k, s.n, s.entries, s.train)) << s.step;
        ops.insert(s.op);
      }
      // The whole epoch is in it: a product, an aggregation, the loss, Adam.
      for (const char* op : {"spmm", "softmax_cross_entropy", "adam_update"}) EXPECT_TRUE(ops.count(op)) << op;
    }
  }
}

TEST(EpochProfile, MediansFloorsAndEventsFollowTheSteps) {
  testing::RandomProblemSpec spec;
  spec.nodes = 50;
  const Problem problem = testing::random_problem(spec, profiled_config(false));
  auto backend = make_backend("cpu-ref", {});
  backend->load(problem);
  backend->reset(glorot_parameters(problem.widths(), problem.config.bias, 1), 1);
  DeviceFloors floors{1.0, 1.0};  // 1 GB/s and 1 GFLOP/s: every floor is its bytes or flops / 1e6 ms
  const EpochProfile p = profile_epochs(*backend, 3, 0, floors);
  EXPECT_EQ(p.epochs, 3);
  ASSERT_FALSE(p.steps.empty());
  double floor_sum = 0;
  for (const auto& s : p.steps) {
    EXPECT_DOUBLE_EQ(s.floor_ms, std::max(s.cost.bytes, s.cost.flops) / 1e6) << s.step;
    if (s.ms > 0) {
      EXPECT_DOUBLE_EQ(s.floor_fraction, s.floor_ms / s.ms);
    }
    floor_sum += s.floor_ms;
  }
  EXPECT_NEAR(p.floor_ms, floor_sum, 1e-12);
  const auto events = profile_events(p, "cpu-ref", "host");
  ASSERT_EQ(events.size(), p.steps.size() + 1);
  EXPECT_EQ(events.front()["event"], "profile");
  for (const char* key : {"step", "op", "ms", "bytes", "flops", "floor_fraction"})
    EXPECT_TRUE(events.front().contains(key)) << key;
  EXPECT_EQ(events.back()["event"], "profile_summary");
  EXPECT_EQ(events.back()["epochs"], 3);
  EXPECT_THROW(profile_epochs(*backend, 0, 0, floors), Error);
}

TEST(EpochProfile, FloorsAreMeasuredForEveryBackend) {
  for (const std::string& name : available_backends()) {
    const DeviceFloors f = measure_floors(name, {});
    EXPECT_GT(f.copy_gb_per_s, 0.0) << name;
    EXPECT_GT(f.fma_gflop_per_s, 0.0) << name;
  }
}

class TrainProfile : public ::testing::TestWithParam<const char*> {};

TEST_P(TrainProfile, PrintsOneProfileLinePerStep) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const auto run = testing::run_gcnbench({"train", "--synthetic", "nodes=300,degree=5,features=40,classes=4,seed=0",
                                          "--backend", GetParam(), "--epochs", "3", "--profile", "2", "--json"});
  ASSERT_EQ(run.result.exit_code, 0) << run.command;
  std::istringstream lines(run.stdout_text);
  std::string line;
  int steps = 0, summaries = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("event")) continue;
    if (j["event"] == "profile") {
      ++steps;
      EXPECT_GE(j["ms"].get<double>(), 0.0);
      EXPECT_GE(j["floor_fraction"].get<double>(), 0.0);
    }
    if (j["event"] == "profile_summary") {
      ++summaries;
      EXPECT_GT(j["copy_gb_per_s"].get<double>(), 0.0);
      EXPECT_GT(j["fma_gflop_per_s"].get<double>(), 0.0);
      EXPECT_EQ(j["epochs"], 2);
    }
  }
  EXPECT_GT(steps, 10);
  EXPECT_EQ(summaries, 1);
}

INSTANTIATE_TEST_SUITE_P(HostBackends, TrainProfile, ::testing::Values("cpu-ref", "cpu"));

}  // namespace
}  // namespace gcn
