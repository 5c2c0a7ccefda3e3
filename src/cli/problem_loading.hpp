// Every command gets its training problem here: the run's memory estimate first (from a
// synthetic spec before generating, from a file dataset once loaded), refused with exit 2
// when it does not fit, printed instead of running under --dry-run.
#pragma once

#include <optional>
#include <string>

#include "backends/backend.hpp"
#include "cli/options.hpp"
#include "model/problem.hpp"
#include "train/run_memory.hpp"

namespace gcn::cli {

struct MemoryCheck {
  std::string backend;  // empty: the problem alone
  BackendOptions options;
  uint64_t device_free_bytes = 0;  // from the backend's info(); 0: no device
  bool initial_parameters_held = false;
  bool dry_run = false;  // print the estimate (and refuse if it does not fit), build nothing
  bool json = false;     // the dry run's estimate as one JSON line
};

// nullopt only for a dry run.
std::optional<Problem> load_problem(const DataOptions& data, const ModelConfig& config, const MemoryCheck& check);

// The estimate as a table, or as one JSON object (`"event":"memory_estimate"`).
std::string memory_estimate_text(const RunMemoryEstimate& estimate, const std::string& dataset);
std::string memory_estimate_json(const RunMemoryEstimate& estimate, const std::string& dataset);

}  // namespace gcn::cli
