// The Backend adapter of the host backends (cpu-ref, cpu): the epoch recipe of backend.hpp,
// written once. Each backend's backend.cpp names itself and supplies its model, its Adam update
// and what must happen before each call into the model (the cpu backend sets its thread count).
//
// Model: constructed from a Problem (which it may keep a reference to);
//   SplitMetrics forward_backward(const Parameters<float>&, uint64_t seed, int epoch, Parameters<float>& grads)
//     training forward and backward; the train rows' metrics and the val rows' of the same logits;
//   LossAndAccuracy evaluate(const Parameters<float>&, Split)   eval-mode forward.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backends/backend.hpp"
#include "backends/optimizer.hpp"
#include "backends/step_profile.hpp"
#include "core/error.hpp"

namespace gcn {

using AdamUpdate = void (*)(float* param, const float* grad, float* m, float* v, int64_t n, const AdamSettings& s);

template <typename Model>
class HostBackend : public Backend {
 public:
  HostBackend(std::string name, AdamUpdate adam_update) : name_(std::move(name)), adam_update_(adam_update) {}

  void load(const Problem& problem) override {
    before_compute();
    problem_ = &problem;
    model_.reset();  // release the previous problem's buffers first
    model_.emplace(problem);
    pending_.reserve(1024);
  }

  // Adam state and gradients are allocated here, so that train_epoch allocates nothing but the
  // metrics record it keeps.
  void reset(const Parameters<float>& params, uint64_t seed) override {
    state_.reset(params);
    seed_ = seed;
    pending_.clear();
  }

  Parameters<float> parameters() override { return state_.params; }

  void train_epoch(int epoch) override {
    require_loaded();
    before_compute();
    run_epoch(epoch, nullptr);
  }

  std::vector<StepTime> profile_epoch(int epoch) override {
    require_loaded();
    before_compute();
    StepClock clock;
    clock.start();
    run_epoch(epoch, &clock);
    return clock.take();
  }

  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    before_compute();
    return model_->evaluate(state_.params, split);
  }

 protected:
  virtual void before_compute() {}

 private:
  void require_loaded() const {
    if (!model_) fail(name_ + ": train_epoch/evaluate called before load()");
  }

  // The epoch; with a clock, each step marked on it.
  void run_epoch(int epoch, StepClock* clock) {
    model_->clock = clock;
    model_->step_prefix.clear();
    const ModelConfig& config = problem_->config;
    const SplitMetrics forward = model_->forward_backward(state_.params, seed_, epoch, state_.grads);
    EpochMetrics metrics;
    metrics.train_loss = forward.train.loss;
    metrics.train_acc = forward.train.accuracy;
    if (config.val_from_train_forward) {
      metrics.val_loss = forward.val.loss;
      metrics.val_acc = forward.val.accuracy;
    }
    state_.update(config, adam_update_);
    if (clock) clock->mark(step("adam", "adam_update", parameter_count(state_.params), 0, 0));
    if (!config.val_from_train_forward) {
      model_->step_prefix = "val ";
      const LossAndAccuracy val = model_->evaluate(state_.params, Split::Val);
      metrics.val_loss = val.loss;
      metrics.val_acc = val.accuracy;
    }
    model_->clock = nullptr;
    pending_.push_back(metrics);
  }

  static int64_t parameter_count(const Parameters<float>& p) {
    int64_t count = 0;
    for (const auto& w : p.weights) count += static_cast<int64_t>(w.data.size());
    for (const auto& b : p.biases) count += static_cast<int64_t>(b.size());
    return count;
  }

  std::string name_;
  AdamUpdate adam_update_;
  const Problem* problem_ = nullptr;
  std::optional<Model> model_;
  AdamState state_;
  uint64_t seed_ = 0;
  std::vector<EpochMetrics> pending_;
};

}  // namespace gcn
