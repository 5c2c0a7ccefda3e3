#include "train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace gcn {
namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

constexpr double kNotComputable = std::numeric_limits<double>::quiet_NaN();

// A metric over an empty split cannot be computed: it is NaN (null in JSON, "n/a" on the
// terminal), never the 0 the backends return for it.
void mark_empty_val(EpochMetrics& m, const Problem& problem) {
  if (problem.num_val == 0) m.val_loss = m.val_acc = kNotComputable;
}

void check_finite(const EpochMetrics& m, const Problem& problem, uint64_t seed, int epoch) {
  if (std::isfinite(m.train_loss) && (problem.num_val == 0 || std::isfinite(m.val_loss))) return;
  fail("training diverged: loss is " + std::to_string(m.train_loss) + " (train), " + std::to_string(m.val_loss) +
       " (val) at epoch " + std::to_string(epoch) + " of seed " + std::to_string(seed) +
       "; try a smaller --lr");
}

// ReLU turns NaN activations into zeros on some paths, so NaN weights (a NaN or infinite
// learning signal) can train on with finite losses; the parameters themselves are the check.
void check_parameters_finite(const Parameters<float>& params, uint64_t seed, int epochs) {
  const auto where = [&](const char* what, int layer, size_t index, float value) {
    fail("training diverged: " + std::string(what) + " of layer " + std::to_string(layer) + " (element " +
         std::to_string(index) + ") is " + std::to_string(value) + " after epoch " + std::to_string(epochs - 1) +
         " of seed " + std::to_string(seed) + "; try a smaller --lr or --weight-decay");
  };
  for (int l = 0; l < params.num_layers(); ++l) {
    const auto& w = params.weights[l].data;
    for (size_t i = 0; i < w.size(); ++i)
      if (!std::isfinite(w[i])) where("weight", l, i, w[i]);
    const auto& b = params.biases[l];
    for (size_t i = 0; i < b.size(); ++i)
      if (!std::isfinite(b[i])) where("bias", l, i, b[i]);
  }
}

Parameters<float> initial_parameters(const Problem& problem, const TrainOptions& options, uint64_t seed) {
  if (options.initial_parameters) return *options.initial_parameters;
  return glorot_parameters(problem.widths(), problem.config.bias, seed);
}

}  // namespace

const char* to_string(Timing timing) {
  switch (timing) {
    case Timing::PerEpoch: return "per-epoch";
    case Timing::PerRun: return "per-run";
    case Timing::Dispatch: return "dispatch";
    case Timing::Auto: break;
  }
  return "auto";
}

Timing resolve_timing(Timing requested, const Backend& backend) {
  if (requested != Timing::Auto) return requested;
  return backend.info().asynchronous ? Timing::PerRun : Timing::PerEpoch;
}

std::vector<RunResult> train(Backend& backend, const Problem& problem, const TrainOptions& options,
                             const EpochCallback& on_epoch, const RunCallback& on_run) {
  const int epochs = problem.config.epochs;
  if (epochs < 1) fail("--epochs must be at least 1");
  const Timing timing = resolve_timing(options.timing, backend);
  const bool per_epoch_sync = timing != Timing::PerRun;

  if (options.warmup_epochs > 0 && !options.seeds.empty()) {
    const uint64_t warmup_seed = options.seeds.front() ^ 0x5EEDF00Dull;
    backend.reset(glorot_parameters(problem.widths(), problem.config.bias, warmup_seed), warmup_seed);
    for (int e = 0; e < options.warmup_epochs; ++e) backend.train_epoch(e);
    backend.collect_metrics();
  }

  std::vector<RunResult> results;
  for (const uint64_t seed : options.seeds) {
    RunResult run;
    run.seed = seed;
    run.timing = timing;
    backend.reset(initial_parameters(problem, options, seed), seed);
    const auto run_start = Clock::now();
    for (int e = 0; e < epochs; ++e) {
      const auto epoch_start = Clock::now();
      backend.train_epoch(e);
      if (!per_epoch_sync) continue;
      const double dispatch_ms = elapsed_ms(epoch_start);
      const std::vector<EpochMetrics> metrics = backend.collect_metrics();
      const double ms = timing == Timing::Dispatch ? dispatch_ms : elapsed_ms(epoch_start);
      if (metrics.size() != 1) fail("backend returned " + std::to_string(metrics.size()) + " metrics for one epoch");
      EpochMetrics m = metrics[0];
      mark_empty_val(m, problem);
      check_finite(m, problem, seed, e);
      run.epochs.push_back(m);
      run.epoch_ms.push_back(ms);
      if (on_epoch) on_epoch(seed, e, m, ms);
    }
    if (!per_epoch_sync) {
      run.epochs = backend.collect_metrics();
      if (static_cast<int>(run.epochs.size()) != epochs)
        fail("backend returned " + std::to_string(run.epochs.size()) + " metrics for " + std::to_string(epochs) + " epochs");
    }
    run.total_ms = elapsed_ms(run_start);
    run.epoch_ms_mean = run.total_ms / epochs;
    if (!per_epoch_sync) {
      for (int e = 0; e < epochs; ++e) {
        mark_empty_val(run.epochs[e], problem);
        check_finite(run.epochs[e], problem, seed, e);
        if (on_epoch) on_epoch(seed, e, run.epochs[e], std::nullopt);
      }
    }
    check_parameters_finite(backend.parameters(), seed, epochs);
    run.test = problem.num_test > 0 ? backend.evaluate(Split::Test) : LossAndAccuracy{kNotComputable, kNotComputable};
    if (problem.num_test > 0 && !std::isfinite(run.test.loss))
      fail("training diverged: test loss is " + std::to_string(run.test.loss) + " after the last epoch, epoch " +
           std::to_string(epochs - 1) + ", of seed " + std::to_string(seed) + "; try a smaller --lr");
    if (on_run) on_run(run);
    results.push_back(std::move(run));
  }
  return results;
}

}  // namespace gcn
