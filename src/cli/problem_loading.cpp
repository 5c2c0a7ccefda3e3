#include "cli/problem_loading.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/graph_shape.hpp"
#include "data/loaders.hpp"
#include "data/reorder.hpp"

namespace gcn::cli {
namespace {

std::string row(const std::string& label, uint64_t bytes, const std::string& note = "") {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "    %-62s %12s%s%s\n", label.c_str(), format_bytes(bytes).c_str(),
                note.empty() ? "" : "  ", note.c_str());
  return buffer;
}

std::string limit_text(uint64_t limit) { return limit == 0 ? "unknown" : format_bytes(limit); }

void phases_text(std::string& out, const char* kind, const std::vector<MemoryPhase>& phases, const MemoryPhase& peak,
                 uint64_t limit, bool fits) {
  out += std::string(kind) + " memory by phase (limit " + limit_text(limit) + "):\n";
  for (const MemoryPhase& p : phases) out += row(p.name, p.bytes(), &p == &peak ? "<- peak" : "");
  out += "  at the peak, while it " + peak.name + (fits ? " (fits)" : " (DOES NOT FIT)") + ":\n";
  for (const MemoryItem& item : peak.items)
    if (item.bytes > 0) out += row(item.what, item.bytes, item.driver.empty() ? "" : "[" + item.driver + "]");
}

nlohmann::json phases_json(const std::vector<MemoryPhase>& phases, const MemoryPhase* peak, uint64_t limit, bool fits) {
  nlohmann::json out;
  out["peak_bytes"] = peak ? peak->bytes() : 0;
  out["peak_phase"] = peak ? nlohmann::json(peak->name) : nlohmann::json(nullptr);
  out["limit_bytes"] = limit == 0 ? nlohmann::json(nullptr) : nlohmann::json(limit);
  out["fits"] = fits;
  out["phases"] = nlohmann::json::array();
  for (const MemoryPhase& p : phases) {
    nlohmann::json items = nlohmann::json::array();
    for (const MemoryItem& item : p.items)
      items.push_back({{"what", item.what}, {"bytes", item.bytes}, {"driver", item.driver}});
    out["phases"].push_back({{"name", p.name}, {"bytes", p.bytes()}, {"items", items}});
  }
  return out;
}

}  // namespace

std::string memory_estimate_text(const RunMemoryEstimate& e, const std::string& dataset) {
  const GraphShape& s = e.request.shape;
  std::string out =
      "memory estimate: " + (e.request.backend.empty() ? std::string("problem only") : e.request.backend) + " on " +
      dataset + " (" + to_string(e.request.config.adjacency) + " adjacency, " + to_string(e.request.config.features) +
      " features, preset " + e.request.config.preset + ")\n";
  out += "  graph" + std::string(s.expected ? " (expected from the spec)" : "") + ": " + std::to_string(s.nodes) +
         " nodes, " + std::to_string(s.adjacency_entries) + " stored adjacency entries, " + std::to_string(s.features) +
         " features (" + std::to_string(s.feature_entries) + " stored), " + std::to_string(s.classes) + " classes\n";
  phases_text(out, "host", e.host, e.host_peak(), e.request.host_limit_bytes, e.host_fits());
  if (const MemoryPhase* peak = e.device_peak())
    phases_text(out, "device", e.device, *peak, e.request.device_limit_bytes, e.device_fits());
  out += e.host_fits() && e.device_fits() ? "fits: yes\n" : "fits: no\n";
  return out;
}

std::string memory_estimate_json(const RunMemoryEstimate& e, const std::string& dataset) {
  const GraphShape& s = e.request.shape;
  nlohmann::json out;
  out["event"] = "memory_estimate";
  out["backend"] = e.request.backend.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.request.backend);
  out["dataset"] = dataset;
  out["shape"] = {{"nodes", s.nodes},
                  {"features", s.features},
                  {"classes", s.classes},
                  {"adjacency_entries", s.adjacency_entries},
                  {"feature_entries", s.feature_entries},
                  {"train", s.train},
                  {"val", s.val},
                  {"test", s.test},
                  {"expected", s.expected}};
  out["host"] = phases_json(e.host, &e.host_peak(), e.request.host_limit_bytes, e.host_fits());
  out["device"] = e.device.empty()
                      ? nlohmann::json(nullptr)
                      : phases_json(e.device, e.device_peak(), e.request.device_limit_bytes, e.device_fits());
  out["fits"] = e.host_fits() && e.device_fits();
  return out.dump();
}

std::optional<Problem> load_problem(const DataOptions& data, const ModelConfig& config, const MemoryCheck& check) {
  RunMemoryRequest request;
  request.config = config;
  request.backend = check.backend;
  request.options = check.options;
  request.initial_parameters_held = check.initial_parameters_held;
  request.baseline_bytes = current_rss_bytes();
  if (const uint64_t available = available_memory_bytes(); available != 0)
    request.host_limit_bytes = request.baseline_bytes + available;
  request.device_limit_bytes = check.device_free_bytes;
  request.reorder = parse_reorder(data.reorder);
  std::optional<Dataset> dataset;
  if (!data.synthetic.empty()) {
    request.shape = expected_shape(parse_synthetic_spec(data.synthetic));
    request.source = "--synthetic " + data.synthetic;
    request.generated_here = true;
  } else {
    dataset = load_dataset(data);
    request.shape = shape_of(*dataset);
    request.source = "the dataset " + describe_data_source(data);
  }
  const RunMemoryEstimate estimate = estimate_run_memory(request);
  const std::string label = dataset ? dataset->name : describe_data_source(data);
  if (check.dry_run)
    std::cout << (check.json ? memory_estimate_json(estimate, label) + "\n" : memory_estimate_text(estimate, label));
  if (const std::string why = estimate.refusal(); !why.empty()) fail(label + ": " + why);
  if (check.dry_run) return std::nullopt;
  if (!dataset) dataset = load_dataset(data);
  Dataset loaded = std::move(*dataset);
  dataset.reset();
  return make_problem(std::move(loaded), config);
}

}  // namespace gcn::cli
