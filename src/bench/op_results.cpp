#include "bench/op_results.hpp"

#include <algorithm>

#include "bench/stats.hpp"

namespace gcn {
namespace {

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

nlohmann::json stats_json(const SampleStats& s) {
  return {{"count", s.count}, {"median", s.median}, {"mean", s.mean},         {"stddev", s.stddev},
          {"min", s.min},     {"max", s.max},       {"ci95_low", s.ci95_low}, {"ci95_high", s.ci95_high}};
}

bool measured(const nlohmann::json& row) { return row.value("status", "") == "ok"; }

}  // namespace

nlohmann::json make_op_result_row(const RowOutcome& outcome, const OpCase& op_case, const std::string& graph,
                                  const nlohmann::json& environment) {
  const BenchRow& r = outcome.row;
  nlohmann::json row = {{"schema", "gcnbench-op-result-1"},
                        {"label", r.label},
                        {"status", outcome.status},
                        {"reason", outcome.reason},
                        {"implementation", r.implementation},
                        {"device", r.device},
                        {"op", op_case.op},
                        {"graph", graph},
                        {"m", op_case.m},
                        {"k", op_case.k},
                        {"n", op_case.n},
                        {"shape", op_case.shape()},
                        {"where", op_case.where},
                        {"bytes", op_case.cost.bytes},
                        {"flops", op_case.cost.flops},
                        {"python", r.python.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.python)},
                        {"command", outcome.command},
                        {"host", environment.value("host", "")},
                        {"environment", environment}};
  if (outcome.status == "failed") row["stderr_tail"] = outcome.stderr_tail;
  std::vector<double> run_medians, firsts, flops_done;
  nlohmann::json seeds = nlohmann::json::array(), executions = nlohmann::json::array();
  size_t samples_per_run = 0;
  row["device_name"] = nullptr;
  for (const auto& run : outcome.runs) {
    const auto& e = run.run_event;
    std::vector<double> samples;
    for (const auto& ms : e.value("samples_ms", nlohmann::json::array()))
      if (ms.is_number()) samples.push_back(ms.get<double>());
    if (samples.empty()) continue;
    samples_per_run = samples.size();
    run_medians.push_back(median_of(samples));
    seeds.push_back(run.seed);
    executions.push_back(e.value("executions_per_sample", 0));
    if (e.contains("first_ms") && e["first_ms"].is_number()) firsts.push_back(e["first_ms"].get<double>());
    if (e.value("flops_done", 0.0) > 0) flops_done.push_back(e["flops_done"].get<double>());
    if (row["device_name"].is_null()) row["device_name"] = run.summary_event.value("device_name", std::string());
    for (const char* key : {"framework", "framework_version", "threads"})
      if (run.summary_event.contains(key)) row[key] = run.summary_event[key];
  }
  row["runs"] = run_medians.size();
  row["seeds"] = seeds;
  row["samples_per_run"] = samples_per_run;
  row["executions_per_sample"] = executions;
  for (const char* key : {"time_ms", "first_ms", "achieved_gbps", "achieved_gflops", "floor_ms", "floor_fraction"})
    row[key] = nullptr;
  if (outcome.status != "ok") return row;
  if (run_medians.empty()) {
    row["status"] = "failed";
    row["reason"] = "no runs completed";
    return row;
  }
  if (!flops_done.empty()) row["flops"] = median_of(flops_done);  // the probe's own count
  const SampleStats stats = compute_stats(run_medians);
  row["time_ms"] = stats_json(stats);
  if (!firsts.empty()) row["first_ms"] = median_of(firsts);
  const double seconds = stats.median * 1e-3;
  row["achieved_gbps"] = row["bytes"].get<double>() / seconds * 1e-9;
  row["achieved_gflops"] = row["flops"].get<double>() / seconds * 1e-9;
  return row;
}

nlohmann::json measured_floors(const std::vector<nlohmann::json>& rows) {
  nlohmann::json floors = nlohmann::json::object();
  for (const auto& row : rows) {
    if (!measured(row)) continue;
    const std::string op = row.value("op", "");
    if (op != "copy" && op != "fma") continue;
    const std::string device = row.value("device", "");
    if (!floors.contains(device))
      floors[device] = {
          {"bandwidth_gbps", nullptr}, {"fma_gflops", nullptr}, {"copy_row", nullptr}, {"fma_row", nullptr}};
    nlohmann::json& floor = floors[device];
    const char* key = op == "copy" ? "bandwidth_gbps" : "fma_gflops";
    const double value = row[op == "copy" ? "achieved_gbps" : "achieved_gflops"].get<double>();
    if (floor[key].is_null() || value > floor[key].get<double>()) {
      floor[key] = value;
      floor[op == "copy" ? "copy_row" : "fma_row"] = row["label"];
    }
  }
  return floors;
}

void apply_floors(std::vector<nlohmann::json>& rows, const nlohmann::json& floors) {
  for (auto& row : rows) {
    if (!measured(row) || row["time_ms"].is_null()) continue;
    const std::string device = row.value("device", "");
    if (!floors.contains(device)) continue;
    const nlohmann::json& floor = floors[device];
    double floor_ms = 0;
    bool known = false;
    const double bytes = row["bytes"].get<double>(), flops = row["flops"].get<double>();
    if (bytes > 0 && floor["bandwidth_gbps"].is_number()) {
      floor_ms = std::max(floor_ms, bytes / (floor["bandwidth_gbps"].get<double>() * 1e9) * 1e3);
      known = true;
    }
    if (flops > 0 && floor["fma_gflops"].is_number()) {
      floor_ms = std::max(floor_ms, flops / (floor["fma_gflops"].get<double>() * 1e9) * 1e3);
      known = true;
    }
    // An op is bound by both: a missing probe leaves its floor unknown, not low.
    if ((bytes > 0 && !floor["bandwidth_gbps"].is_number()) || (flops > 0 && !floor["fma_gflops"].is_number()))
      known = false;
    if (!known) continue;
    row["floor_ms"] = floor_ms;
    row["floor_fraction"] = floor_ms / row["time_ms"]["median"].get<double>();
  }
}

}  // namespace gcn
