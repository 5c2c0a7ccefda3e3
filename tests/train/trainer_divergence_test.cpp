// Training that produces NaN or Inf stops with gcn::Error naming the seed and the epoch, for a
// synchronous backend (checked every epoch), an asynchronous one (checked when the run's metrics
// arrive) and a real divergence of cpu-ref under an absurd learning rate.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "backends/backend.hpp"
#include "core/error.hpp"
#include "data/data_test_util.hpp"
#include "train/trainer.hpp"
#include "support/random_problem.hpp"

namespace gcn {
namespace {

// A backend whose losses are finite except the train loss of epoch `bad_epoch` (or the test
// loss, when bad_epoch < 0).
class ScriptedBackend : public Backend {
 public:
  ScriptedBackend(int bad_epoch, double bad_value, bool asynchronous)
      : bad_epoch_(bad_epoch), bad_value_(bad_value), asynchronous_(asynchronous) {}
  void load(const Problem&) override {}
  void reset(const Parameters<float>& params, uint64_t) override { params_ = params; }
  Parameters<float> parameters() override { return params_; }
  void train_epoch(int epoch) override {
    EpochMetrics m{1.0, 0.5, 1.0, 0.5};
    if (epoch == bad_epoch_) m.train_loss = bad_value_;
    pending_.push_back(m);
  }
  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }
  LossAndAccuracy evaluate(Split) override { return {bad_epoch_ < 0 ? bad_value_ : 1.0, 0.5}; }
  std::vector<StepTime> profile_epoch(int epoch) override {
    train_epoch(epoch);
    return {};
  }
  BackendInfo info() const override {
    BackendInfo info;
    info.name = "scripted";
    info.asynchronous = asynchronous_;
    return info;
  }

 private:
  int bad_epoch_;
  double bad_value_;
  bool asynchronous_;
  Parameters<float> params_;
  std::vector<EpochMetrics> pending_;
};

Problem small_problem(double lr = 0.01) {
  ModelConfig config = preset_config("kipf");
  config.epochs = 20;
  config.lr = lr;
  return testing::random_problem({}, config);
}

TEST(TrainerDivergence, NaNLossStopsNamingSeedAndEpoch) {
  const Problem problem = small_problem();
  for (const bool asynchronous : {false, true}) {
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
      SCOPED_TRACE(std::string(asynchronous ? "asynchronous " : "synchronous ") + std::to_string(bad));
      ScriptedBackend backend(7, bad, asynchronous);
      TrainOptions options;
      options.seeds = {3};
      EXPECT_ERROR_WITH(train(backend, problem, options), "training diverged", "at epoch 7", "of seed 3", "--lr");
    }
  }
}

TEST(TrainerDivergence, NonFiniteTestLossIsCaughtToo) {
  const Problem problem = small_problem();
  ScriptedBackend backend(-1, std::numeric_limits<double>::quiet_NaN(), false);
  EXPECT_ERROR_WITH(train(backend, problem, {}), "training diverged", "test loss", "epoch 19", "of seed 0");
}

TEST(TrainerDivergence, FiniteLossesTrainEveryEpoch) {  // the baseline: the scripted backend itself is fine
  const Problem problem = small_problem();
  ScriptedBackend backend(1000, 0, false);
  const auto runs = train(backend, problem, {});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].epochs.size(), 20u);
}

// Finite losses, non-finite parameters (ReLU can hide NaN weights from every loss): the run
// stops naming the parameter, its layer, the last epoch and the seed.
TEST(TrainerDivergence, NonFiniteParametersStopTheRunWithFiniteLosses) {
  const Problem problem = small_problem();
  Parameters<float> params = glorot_parameters(problem.widths(), true, 0);
  params.biases[1][0] = std::numeric_limits<float>::quiet_NaN();
  ScriptedBackend backend(1000, 0, false);
  TrainOptions options;
  options.seeds = {5};
  options.initial_parameters = params;
  EXPECT_ERROR_WITH(train(backend, problem, options), "training diverged", "bias of layer 1", "after epoch 19",
                    "of seed 5");
}

TEST(TrainerDivergence, CpuRefWithAbsurdLearningRateStops) {
  const Problem problem = small_problem(1e30);
  auto backend = make_backend("cpu-ref", {});
  backend->load(problem);
  EXPECT_ERROR_WITH(train(*backend, problem, {}), "training diverged", "at epoch", "of seed 0");
}

}  // namespace
}  // namespace gcn
