// Backend `cpu-ref`: the reference GCN in float, one thread. Slow on purpose; it is the oracle.
#include "backends/cpu_ref/backend.hpp"

#include <optional>
#include <utility>

#include "backends/cpu_ref/gcn.hpp"
#include "backends/optimizer.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

class CpuRefBackend final : public Backend {
 public:
  void load(const Problem& problem) override {
    problem_ = &problem;
    model_.emplace(problem);
  }

  void reset(const Parameters<float>& params, uint64_t seed) override {
    params_ = params;
    seed_ = seed;
    grads_ = ref::ReferenceGcn<float>::zeros_like(params);
    adam_m_ = ref::ReferenceGcn<float>::zeros_like(params);
    adam_v_ = ref::ReferenceGcn<float>::zeros_like(params);
    step_ = 0;
    pending_.clear();
  }

  Parameters<float> parameters() override { return params_; }

  void train_epoch(int epoch) override {
    require_loaded();
    const ModelConfig& config = problem_->config;
    EpochMetrics metrics;
    const LossAndAccuracy train = model_->forward_backward(params_, seed_, epoch, grads_);
    metrics.train_loss = train.loss;
    metrics.train_acc = train.accuracy;
    if (config.val_from_train_forward) {
      const LossAndAccuracy val = model_->metrics_of_last_forward(Split::Val);
      metrics.val_loss = val.loss;
      metrics.val_acc = val.accuracy;
    }
    ++step_;
    adam_step(params_, grads_, adam_m_, adam_v_, config, step_, ref::adam_update<float>);
    if (!config.val_from_train_forward) {
      const LossAndAccuracy val = model_->forward(params_, seed_, epoch, false, Split::Val);
      metrics.val_loss = val.loss;
      metrics.val_acc = val.accuracy;
    }
    pending_.push_back(metrics);
  }

  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    const LossAndAccuracy result = model_->forward(params_, seed_, 0, false, split);
    return {result.loss, result.accuracy};
  }

  BackendInfo info() const override { return {"cpu-ref", "host CPU, 1 thread (plain loops)", 1, 0}; }

 private:
  void require_loaded() const {
    if (!model_) fail("cpu-ref: train_epoch/evaluate called before load()");
  }

  const Problem* problem_ = nullptr;
  std::optional<ref::ReferenceGcn<float>> model_;
  Parameters<float> params_, grads_, adam_m_, adam_v_;
  uint64_t seed_ = 0;
  int64_t step_ = 0;
  std::vector<EpochMetrics> pending_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_ref_backend(const BackendOptions&) { return std::make_unique<CpuRefBackend>(); }

}  // namespace gcn
