#include "bench/aggregate.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "bench/stats.hpp"

namespace gcn {
namespace {

// Above this run-to-run coefficient of variation a row is marked as unsteady.
constexpr double kRunCvWarning = 0.10;

nlohmann::json summary_field(const RowOutcome& outcome, const char* key) {
  for (const auto& run : outcome.runs)
    if (run.summary_event.contains(key) && !run.summary_event[key].is_null()) return run.summary_event[key];
  return nullptr;
}

bool measured(const nlohmann::json& row) { return row.value("status", "") == "ok"; }

// Dispatch time is not what the baseline's time measured: such rows get no speedup.
bool comparable(const nlohmann::json& row) {
  return measured(row) && !(row.contains("timing") && row["timing"] == "dispatch");
}

double mean_ms(const nlohmann::json& row) { return row["epoch_ms"]["mean"].get<double>(); }

}  // namespace

nlohmann::json make_result_row(const RowOutcome& outcome, const RowContext& context) {
  const BenchRow& r = outcome.row;
  nlohmann::json row = {{"schema", "gcnbench-result-2"},
                        {"label", r.label},
                        {"status", outcome.status},
                        {"reason", outcome.reason},
                        {"dataset", r.dataset},
                        {"implementation", r.implementation},
                        {"device", r.device},
                        {"adj", r.adj},
                        {"preset", context.preset},
                        {"epochs", context.epochs},
                        {"warmup", context.warmup},
                        {"python", r.python.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.python)},
                        {"command", outcome.command},
                        {"host", context.environment.value("host", "")},
                        {"environment", context.environment}};
  if (outcome.status == "failed") row["stderr_tail"] = outcome.stderr_tail;
  for (const char* key :
       {"framework", "framework_version", "python_version", "device_name", "features", "threads", "blas", "layers",
        "config"})
    row[key] = summary_field(outcome, key);
  if (row["features"].is_null() && !r.features.empty()) row["features"] = r.features;  // a row that never ran
  // A compiling peer's compilation, timed apart in each run's process: the median over runs.
  std::vector<double> compile_ms;
  for (const auto& run : outcome.runs)
    if (run.summary_event.contains("compile_ms") && run.summary_event["compile_ms"].is_number())
      compile_ms.push_back(run.summary_event["compile_ms"].get<double>());
  row["compile_ms"] = compile_ms.empty() ? nlohmann::json(nullptr) : nlohmann::json(compute_stats(compile_ms).median);
  for (const auto& run : outcome.runs)  // `bench --profile`: the first run's, the one profiled
    if (run.profile.is_object()) {
      row["profile"] = run.profile;
      break;
    }

  // samples: every timed epoch of every run; run_means: one per run, the statistical unit.
  std::vector<double> samples, run_means, accuracies, losses;
  nlohmann::json seeds = nlohmann::json::array(), raw_epochs = nlohmann::json::array();
  uint64_t peak_host = 0, peak_device = 0;
  bool per_epoch = true;
  double max_load = -1;
  for (const auto& run : outcome.runs) {
    const auto& e = run.run_event;
    seeds.push_back(run.seed);
    const auto epoch_ms = e.value("epoch_ms", nlohmann::json::array());
    if (epoch_ms.is_array() && !epoch_ms.empty()) {
      std::vector<double> own;
      for (const auto& ms : epoch_ms) own.push_back(ms.get<double>());
      samples.insert(samples.end(), own.begin(), own.end());
      run_means.push_back(compute_stats(own).mean);
      raw_epochs.push_back(own);
    } else {
      per_epoch = false;
      samples.push_back(e.value("epoch_ms_mean", 0.0));
      run_means.push_back(samples.back());
      raw_epochs.push_back(nlohmann::json::array());
    }
    max_load = std::max({max_load, run.load_before, run.load_after});
    if (e.contains("test_acc") && e["test_acc"].is_number()) accuracies.push_back(e["test_acc"].get<double>());
    if (e.contains("test_loss") && e["test_loss"].is_number()) losses.push_back(e["test_loss"].get<double>());
    peak_host = std::max<uint64_t>(peak_host, e.value("peak_host_bytes", uint64_t{0}));
    peak_device = std::max<uint64_t>(peak_device, e.value("peak_device_bytes", uint64_t{0}));
  }
  row["runs"] = outcome.runs.size();
  row["seeds"] = seeds;
  if (outcome.status != "ok" || samples.empty()) {
    if (outcome.status == "ok") {
      row["status"] = "failed";
      row["reason"] = "no runs completed";
    }
    for (const char* key :
         {"timing", "epoch_ms", "epoch_ms_within_runs", "test_acc_mean", "test_acc_std", "test_loss_mean",
          "peak_host_bytes", "peak_device_bytes", "speedup", "baseline", "raw_samples", "load_average_max"})
      row[key] = nullptr;
    row["warnings"] = nlohmann::json::array();
    if (!r.timing.empty()) row["timing"] = r.timing;
    return row;
  }
  const SampleStats t = compute_stats(run_means);
  const SampleStats acc = compute_stats(accuracies);
  // What the child says it measured; older children (and peers) say nothing: then by the samples.
  const nlohmann::json timing = summary_field(outcome, "timing");
  row["timing"] = timing.is_string()  ? timing.get<std::string>()
                  : !r.timing.empty() ? r.timing
                  : per_epoch         ? "per-epoch"
                                      : "per-run";
  row["epoch_ms"] = {{"n", t.count},
                     {"samples", samples.size()},
                     {"mean", t.mean},
                     {"std", t.stddev},
                     {"cv", coefficient_of_variation(t)},
                     {"median", t.median},
                     {"min", t.min},
                     {"max", t.max},
                     {"ci95_low", t.ci95_low},
                     {"ci95_high", t.ci95_high}};
  nlohmann::json warnings = nlohmann::json::array();
  if (per_epoch) {
    const SampleStats w = compute_stats(samples);
    row["epoch_ms_within_runs"] = {{"samples", w.count}, {"median", w.median},
                                   {"std", w.stddev},    {"cv", coefficient_of_variation(w)},
                                   {"min", w.min},       {"max", w.max}};
    for (const auto& warning : shape_warnings(samples)) warnings.push_back("epoch times " + warning);
  } else {
    row["epoch_ms_within_runs"] = nullptr;
  }
  if (t.count >= 2 && coefficient_of_variation(t) > kRunCvWarning) {
    char text[160];
    std::snprintf(text, sizeof text, "the runs' mean epoch times vary by %.0f%% (CV above 10%%)",
                  100 * coefficient_of_variation(t));
    warnings.push_back(text);
  }
  const double cores = context.environment.value("cpu_cores", 0.0);
  if (cores > 0 && max_load > cores) {
    char text[160];
    std::snprintf(text, sizeof text, "the load average reached %.1f during its runs, above the %.0f cores", max_load,
                  cores);
    warnings.push_back(text);
  }
  row["warnings"] = warnings;
  row["load_average_max"] = max_load >= 0 ? nlohmann::json(max_load) : nlohmann::json(nullptr);
  row["raw_samples"] = {{"run_ms", run_means}, {"epoch_ms", raw_epochs}, {"test_acc", accuracies}};
  // No accuracy at all (an empty test split) is null, never 0.
  row["test_acc_mean"] = accuracies.empty() ? nlohmann::json(nullptr) : nlohmann::json(acc.mean);
  row["test_acc_std"] = accuracies.empty() ? nlohmann::json(nullptr) : nlohmann::json(acc.stddev);
  row["test_loss_mean"] = losses.empty() ? nlohmann::json(nullptr) : nlohmann::json(compute_stats(losses).mean);
  row["peak_host_bytes"] = peak_host;
  row["peak_device_bytes"] = peak_device;
  row["speedup"] = nullptr;
  row["baseline"] = nullptr;
  return row;
}

void add_graph_size(nlohmann::json& row, const nlohmann::json& size) {
  row["graph"] = size;
  row["adjacency_entries_per_s"] = nullptr;
  if (row.value("status", "") != "ok" || !row["epoch_ms"].is_object() || !size.contains("adjacency_entries")) return;
  const double seconds = row["epoch_ms"]["mean"].get<double>() * 1e-3;
  if (seconds > 0) row["adjacency_entries_per_s"] = size["adjacency_entries"].get<double>() / seconds;
}

void apply_floors(std::vector<nlohmann::json>& rows) {
  // The floor of each (dataset, computation, device, host): from the first profiled row of it.
  struct Floor {
    double ms, bytes;
    std::string from;
  };
  std::map<std::string, Floor> floors;
  const auto key = [](const nlohmann::json& row) {
    return row.value("dataset", "") + "|" + computation_of(row) + "|" + row.value("device", "") + "|" +
           row.value("host", "");
  };
  for (const auto& row : rows) {
    if (!comparable(row) || !row.contains("profile") || !row["profile"].is_object()) continue;
    const auto& summary = row["profile"].value("summary", nlohmann::json::object());
    if (!summary.is_object() || !summary.value("floor_ms", nlohmann::json()).is_number()) continue;
    double bytes = 0;
    for (const auto& s : row["profile"].value("steps", nlohmann::json::array())) bytes += s.value("bytes", 0.0);
    floors.emplace(key(row), Floor{summary["floor_ms"].get<double>(), bytes, row.value("label", "")});
  }
  for (auto& row : rows) {
    if (!comparable(row)) continue;
    row["floor_ms"] = nullptr;
    row["floor_fraction"] = nullptr;
    row["epoch_gb_per_s"] = nullptr;
    const auto found = floors.find(key(row));
    if (found == floors.end()) continue;
    const Floor& f = found->second;
    row["floor_ms"] = f.ms;
    row["floor_fraction"] = f.ms / mean_ms(row);
    row["epoch_gb_per_s"] = f.bytes / (mean_ms(row) * 1e6);
    row["floor_from"] = f.from;
  }
}

std::string computation_of(const nlohmann::json& row) {
  const auto word = [&](const char* key) {
    return row.contains(key) && row[key].is_string() ? row[key].get<std::string>() : std::string("?");
  };
  return word("adj") + " adjacency, " + word("features") + " features, preset " + word("preset") + ", " +
         word("timing") + " timing";
}

std::string apply_speedups(std::vector<nlohmann::json>& rows, const std::string& baseline) {
  std::string label_prefix = baseline, host;
  if (const size_t at = baseline.find('@'); at != std::string::npos) {
    label_prefix = baseline.substr(0, at);
    host = baseline.substr(at + 1);
  }
  const auto group_of = [](const nlohmann::json& row) { return row.value("dataset", "") + "|" + computation_of(row); };
  const auto is_torch_on_cpu = [](const nlohmann::json& row) {
    const std::string label = row.value("label", "");
    return label.starts_with("torch-") && label.find("/cpu/") != std::string::npos;
  };
  const auto first_where = [&](const auto& keep) -> const nlohmann::json* {
    for (const auto& row : rows)
      if (comparable(row) && keep(row)) return &row;
    return nullptr;
  };
  std::string warning;
  // The baseline of each group of rows (a dataset and a computation): the requested row, which
  // only rows of its own computation are compared with; by default, PyTorch on the CPU of the
  // same computation, else any PyTorch row of it, else the group's first row.
  std::map<std::string, std::pair<double, std::string>> base;  // copied: rows may be reordered later
  std::map<std::string, std::string> requested;                 // dataset -> the requested baseline's computation
  for (const auto& row : rows) {
    if (!comparable(row) || base.count(group_of(row))) continue;
    const std::string dataset = row.value("dataset", ""), group = group_of(row);
    const nlohmann::json* pick = nullptr;
    if (!baseline.empty()) {
      pick = first_where([&](const nlohmann::json& r) {
        return r.value("dataset", "") == dataset && r.value("label", "").starts_with(label_prefix) &&
               (host.empty() || r.value("host", "") == host);
      });
      if (pick) {
        requested[dataset] = computation_of(*pick);
        if (group_of(*pick) != group) continue;  // this row's computation is not the baseline's
      } else {
        warning = "--baseline " + baseline + ": no measured row matches on " + dataset + "; using each computation's own";
      }
    }
    if (!pick) pick = first_where([&](const nlohmann::json& r) { return group_of(r) == group && is_torch_on_cpu(r); });
    if (!pick)
      pick = first_where([&](const nlohmann::json& r) {
        return group_of(r) == group && r.value("label", "").starts_with("torch-");
      });
    if (!pick) pick = first_where([&](const nlohmann::json& r) { return group_of(r) == group; });
    std::string tag = pick->value("label", "");
    if (!host.empty()) tag += '@' + pick->value("host", "");
    base[group] = {mean_ms(*pick), tag};
  }
  for (auto& row : rows) {
    if (!comparable(row)) continue;
    const auto found = base.find(group_of(row));
    if (found == base.end()) {
      row["speedup"] = nullptr;
      row["speedup_note"] = "computes " + computation_of(row) + "; the baseline " + baseline + " computes " +
                            requested[row.value("dataset", "")] + ": no speedup between them";
      continue;
    }
    const auto& [ms, tag] = found->second;
    row["speedup"] = ms / mean_ms(row);
    row["baseline"] = tag;
  }
  return warning;
}

void sort_rows(std::vector<nlohmann::json>& rows) {
  const auto rank = [](const nlohmann::json& row) {
    const std::string status = row.value("status", "");
    return status == "ok" ? 0 : status == "reference" ? 1 : status == "failed" ? 2 : 3;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const nlohmann::json& a, const nlohmann::json& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) <= 1) {
      if (a.value("dataset", "") != b.value("dataset", "")) return a.value("dataset", "") < b.value("dataset", "");
      return mean_ms(a) < mean_ms(b);
    }
    return false;
  });
}

}  // namespace gcn
