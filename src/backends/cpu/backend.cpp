// Backend `cpu`: the optimized CPU GCN (gcn.hpp) behind the Backend interface. Same
// optimizer steps as cpu-ref; Adam state and gradients allocated in reset(), so train_epoch
// allocates nothing but the metrics record it returns.
#include "backends/cpu/backend.hpp"

#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "backends/cpu/gcn.hpp"
#include "backends/optimizer.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

Parameters<float> zeros_like(const Parameters<float>& params) {
  Parameters<float> z;
  for (const auto& w : params.weights) z.weights.emplace_back(w.rows, w.cols);
  for (const auto& b : params.biases) z.biases.emplace_back(b.size(), 0.0f);
  return z;
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "host CPU";
}

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(const BackendOptions& options) : requested_threads_(options.threads) {
    if (options.threads < 0) fail("--threads must be 0 (all cores) or positive");
    threads_ = cpu::set_threads(requested_threads_);
  }

  void load(const Problem& problem) override {
    threads_ = cpu::set_threads(requested_threads_);
    problem_ = &problem;
    model_.reset();  // release the previous problem's buffers first
    model_.emplace(problem);
    pending_.reserve(1024);
  }

  void reset(const Parameters<float>& params, uint64_t seed) override {
    params_ = params;
    seed_ = seed;
    grads_ = zeros_like(params);
    adam_m_ = zeros_like(params);
    adam_v_ = zeros_like(params);
    step_ = 0;
    pending_.clear();
  }

  Parameters<float> parameters() override { return params_; }

  void train_epoch(int epoch) override {
    require_loaded();
    cpu::set_threads(threads_);
    const ModelConfig& config = problem_->config;
    EpochMetrics metrics;
    const SplitMetrics train = model_->forward_backward(params_, seed_, epoch, grads_);
    metrics.train_loss = train.train.loss;
    metrics.train_acc = train.train.accuracy;
    if (config.val_from_train_forward) {
      metrics.val_loss = train.val.loss;
      metrics.val_acc = train.val.accuracy;
    }
    ++step_;
    adam_step(params_, grads_, adam_m_, adam_v_, config, step_, cpu::adam_update);
    if (!config.val_from_train_forward) {
      const LossAndAccuracy val = model_->evaluate(params_, Split::Val);
      metrics.val_loss = val.loss;
      metrics.val_acc = val.accuracy;
    }
    pending_.push_back(metrics);
  }

  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    cpu::set_threads(threads_);
    const LossAndAccuracy result = model_->evaluate(params_, split);
    return {result.loss, result.accuracy};
  }

  BackendInfo info() const override {
    BackendInfo info;
    info.name = "cpu";
    info.device = cpu_model_name() + " (" + std::to_string(threads_) + " threads, " + cpu::blas_description() + ")";
    info.threads = threads_;
    return info;
  }

 private:
  void require_loaded() const {
    if (!model_) fail("cpu: train_epoch/evaluate called before load()");
  }

  int requested_threads_ = 0, threads_ = 1;
  const Problem* problem_ = nullptr;
  std::optional<cpu::CpuGcn> model_;
  Parameters<float> params_, grads_, adam_m_, adam_v_;
  uint64_t seed_ = 0;
  int64_t step_ = 0;
  std::vector<EpochMetrics> pending_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options) {
  return std::make_unique<CpuBackend>(options);
}

}  // namespace gcn
