#include "train/run_memory.hpp"

#include <algorithm>

#include "core/memory.hpp"

namespace gcn {
namespace {

MemoryPhase phase(std::string name, uint64_t baseline, std::initializer_list<const MemoryItems*> parts) {
  MemoryPhase p{std::move(name), {{"this process before the dataset (code, libraries, runtime)", baseline, ""}}};
  for (const MemoryItems* part : parts) append(p.items, *part);
  return p;
}

const MemoryItem& largest(const MemoryPhase& p) {
  return *std::max_element(p.items.begin(), p.items.end(),
                           [](const MemoryItem& a, const MemoryItem& b) { return a.bytes < b.bytes; });
}

std::string shortfall(const char* kind, const MemoryPhase& p, uint64_t limit, const char* limit_name) {
  const MemoryItem& big = largest(p);
  std::string message = std::string("this run needs about ") + format_bytes(p.bytes()) + " of " + kind +
                        " memory at its peak (while it " + p.name + "), more than the " + format_bytes(limit) + " " +
                        limit_name + "; the largest part is " + big.what + ", " + format_bytes(big.bytes);
  if (!big.driver.empty()) message += ", set by " + big.driver;
  return message + " (`--dry-run` prints the whole estimate)";
}

}  // namespace

MemoryItems problem_memory(const GraphShape& s, const std::string& source) {
  const auto n = static_cast<uint64_t>(s.nodes);
  return {
      {"A_hat = D^-1/2 (A + I) D^-1/2 (CSR)", csr_bytes(s.nodes, s.adjacency_entries + s.nodes), source},
      {"features (CSR)", csr_bytes(s.nodes, s.feature_entries), source},
      {"labels and split", n * 5, ""},
  };
}

const MemoryPhase& RunMemoryEstimate::host_peak() const {
  return *std::max_element(host.begin(), host.end(),
                           [](const MemoryPhase& a, const MemoryPhase& b) { return a.bytes() < b.bytes(); });
}

const MemoryPhase* RunMemoryEstimate::device_peak() const {
  if (device.empty()) return nullptr;
  return &*std::max_element(device.begin(), device.end(),
                            [](const MemoryPhase& a, const MemoryPhase& b) { return a.bytes() < b.bytes(); });
}

bool RunMemoryEstimate::host_fits() const {
  return request.host_limit_bytes == 0 || host_peak().bytes() <= request.host_limit_bytes;
}

bool RunMemoryEstimate::device_fits() const {
  const MemoryPhase* peak = device_peak();
  return !peak || request.device_limit_bytes == 0 || peak->bytes() <= request.device_limit_bytes;
}

std::string RunMemoryEstimate::refusal() const {
  if (!host_fits())
    return shortfall("host", host_peak(), request.host_limit_bytes,
                     "this process can have (its own memory plus MemAvailable, within its cgroup's limit)");
  if (!device_fits()) return shortfall("device", *device_peak(), request.device_limit_bytes, "free on the GPU");
  return "";
}

RunMemoryEstimate estimate_run_memory(const RunMemoryRequest& r) {
  RunMemoryEstimate e;
  e.request = r;
  const GraphShape& s = r.shape;
  const BackendFootprint backend =
      r.backend.empty() ? BackendFootprint{} : memory_footprint(r.backend, s, r.config, r.options);
  const MemoryItems dataset = dataset_memory(s, r.source);
  const MemoryItems problem = problem_memory(s, r.source);
  const MemoryItems normalizing = {
      {"A_hat as it is built, and the inverse square-root degrees",
       csr_bytes(s.nodes, s.adjacency_entries + s.nodes) + static_cast<uint64_t>(s.nodes) * 8, r.source}};
  const std::vector<int64_t> widths = layer_widths(r.config, s.features, s.classes);
  const MemoryItems trainer = {{r.initial_parameters_held ? "initial parameters (--init-weights) and a run's copy"
                                                          : "a run's initial parameters",
                                (r.initial_parameters_held ? 2 : 1) * parameter_bytes(widths, r.config.bias),
                                kParametersDriver}};
  if (r.generated_here) {
    const MemoryItems generating = synthetic_generation_memory(s, r.source);
    e.host.push_back(phase("generates the graph", r.baseline_bytes, {&generating}));
  }
  if (r.reorder != Reorder::None) {
    const MemoryItems renumbering = renumbering_memory(s, r.reorder, r.source);
    e.host.push_back(phase("renumbers the nodes", r.baseline_bytes, {&dataset, &renumbering}));
  }
  e.host.push_back(phase("normalizes the adjacency", r.baseline_bytes, {&dataset, &normalizing}));
  if (r.backend.empty()) {
    e.host.push_back(phase("holds the problem", r.baseline_bytes, {&problem}));
    return e;
  }
  e.host.push_back(
      phase("loads the backend", r.baseline_bytes, {&problem, &backend.host_resident, &backend.host_load}));
  e.host.push_back(
      phase("trains", r.baseline_bytes, {&problem, &backend.host_resident, &backend.host_epoch, &trainer}));
  for (const MemoryPhase& p : backend.device) e.device.push_back({"loads the " + p.name, p.items});
  if (!e.device.empty()) e.device.back().name = "trains";
  return e;
}

}  // namespace gcn
