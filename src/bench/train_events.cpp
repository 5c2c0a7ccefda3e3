#include "bench/train_events.hpp"

#include "bench/stats.hpp"
#include "model/config_json.hpp"

namespace gcn {

nlohmann::json epoch_event(uint64_t seed, int epoch, const EpochMetrics& m, std::optional<double> epoch_ms) {
  return {{"event", "epoch"},       {"seed", seed},         {"epoch", epoch},
          {"train_loss", m.train_loss}, {"train_acc", m.train_acc}, {"val_loss", m.val_loss},
          {"val_acc", m.val_acc},   {"epoch_ms", epoch_ms ? nlohmann::json(*epoch_ms) : nlohmann::json(nullptr)}};
}

nlohmann::json run_event(const RunResult& run, uint64_t peak_host_bytes, uint64_t peak_device_bytes) {
  return {{"event", "run"},
          {"seed", run.seed},
          {"epochs", run.epochs.size()},
          {"total_ms", run.total_ms},
          {"epoch_ms_mean", run.epoch_ms_mean},
          {"epoch_ms", run.epoch_ms},
          {"test_loss", run.test.loss},
          {"test_acc", run.test.accuracy},
          {"peak_host_bytes", peak_host_bytes},
          {"peak_device_bytes", peak_device_bytes}};
}

nlohmann::json summary_event(const SummaryContext& context, const std::vector<RunResult>& runs) {
  std::vector<double> accuracies, losses, seeds, epoch_samples;
  nlohmann::json seed_list = nlohmann::json::array();
  for (const auto& run : runs) {
    accuracies.push_back(run.test.accuracy);
    losses.push_back(run.test.loss);
    seed_list.push_back(run.seed);
    // Per-epoch samples when each epoch was timed alone; otherwise one sample per run.
    if (!run.epoch_ms.empty()) {
      epoch_samples.insert(epoch_samples.end(), run.epoch_ms.begin(), run.epoch_ms.end());
    } else {
      epoch_samples.push_back(run.epoch_ms_mean);
    }
  }
  const SampleStats acc = compute_stats(accuracies);
  const SampleStats loss = compute_stats(losses);
  const SampleStats time = compute_stats(epoch_samples);
  const ModelConfig& c = context.config;
  const char* timing = runs.empty() ? "per-epoch" : to_string(runs.front().timing);
  nlohmann::json summary = {{"event", "summary"},
          {"implementation", "gcnbench-" + context.backend.name},
          {"backend", context.backend.name},
          {"framework", "gcnbench"},
          {"framework_version", GCNBENCH_VERSION},
          {"device", context.backend.name == "cuda" ? "cuda" : "cpu"},
          {"device_name", context.backend.device},
          {"threads", context.backend.threads},
          {"dataset", context.dataset},
          {"adj", to_string(c.adjacency)},
          {"features", to_string(c.features)},
          {"preset", c.preset},
          {"epochs", c.epochs},
          {"layers", c.layers},
          {"timing", timing},
          {"config", config_to_json(c)},
          {"seeds", seed_list},
          {"test_acc_mean", acc.mean},
          {"test_acc_std", acc.stddev},
          {"test_loss_mean", loss.mean},
          {"epoch_ms_mean", time.mean},
          {"epoch_ms_std", time.stddev},
          {"epoch_ms_median", time.median}};
  if (context.backend.ranks > 0) summary["ranks"] = context.backend.ranks;
  return summary;
}

std::string parse_child_output(const std::vector<std::string>& lines, RunOutcome& run, std::string& skipped_reason) {
  for (const auto& line : lines) {
    if (line.empty() || line.front() != '{') continue;  // a stray print from a library
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("event")) continue;
    const std::string kind = event["event"].is_string() ? event["event"].get<std::string>() : "";
    if (kind == "run") run.run_event = event;
    if (kind == "summary") run.summary_event = event;
    if (kind == "profile") run.profile["steps"].push_back(event);
    if (kind == "profile_summary") run.profile["summary"] = event;
    if (kind == "skipped") skipped_reason = event.value("reason", std::string("skipped (no reason given)"));
  }
  if (!skipped_reason.empty()) return "";
  if (run.run_event.is_null()) return "no \"run\" line on stdout";
  if (run.summary_event.is_null()) return "no \"summary\" line on stdout";
  return "";
}

}  // namespace gcn
