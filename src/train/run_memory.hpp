// One estimate of a whole run's peak memory, host and device, made from the graph's shape
// before anything large is allocated: the data source (generated here or already loaded), the
// GCN preprocessing, the backend's buffers and the trainer's copies of the parameters, phase by
// phase. A run whose peak does not fit is refused with the estimate, the limit and what to
// change; `--dry-run` prints it whole.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends/memory_footprint.hpp"
#include "data/graph_shape.hpp"
#include "data/reorder.hpp"
#include "model/config.hpp"

namespace gcn {

struct RunMemoryRequest {
  GraphShape shape;
  ModelConfig config;
  std::string backend;  // empty: the problem alone (export), no backend
  BackendOptions options;
  std::string source;                    // what sets the graph's size, for messages ("--synthetic ...", a path)
  bool generated_here = false;           // a synthetic graph this process will generate
  Reorder reorder = Reorder::None;       // --reorder: the nodes are renumbered after loading
  bool initial_parameters_held = false;  // --init-weights: one more copy of the parameters
  uint64_t baseline_bytes = 0;           // this process's resident memory before the dataset
  uint64_t host_limit_bytes = 0;         // baseline + what can still be taken (0: unknown)
  uint64_t device_limit_bytes = 0;       // free device memory (0: no device, or unknown)
};

struct RunMemoryEstimate {
  RunMemoryRequest request;
  std::vector<MemoryPhase> host;  // each phase's total includes the baseline
  std::vector<MemoryPhase> device;

  const MemoryPhase& host_peak() const;
  const MemoryPhase* device_peak() const;  // null when the backend holds no device memory
  bool host_fits() const;
  bool device_fits() const;
  // Empty when the run fits; else why not, with the estimate, the limit and what to change.
  std::string refusal() const;
};

// The GCN problem (model/problem.hpp) built from a graph of this shape.
MemoryItems problem_memory(const GraphShape& shape, const std::string& source);

RunMemoryEstimate estimate_run_memory(const RunMemoryRequest& request);

}  // namespace gcn
