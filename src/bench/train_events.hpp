// The JSON lines `gcnbench train --json` prints, one schema shared with the peers
// (peers/common.py), and their parser, which `gcnbench bench` and `verify` read a child
// process's stdout with: docs/results-schema.md.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "bench/runner.hpp"
#include "train/trainer.hpp"

namespace gcn {

nlohmann::json epoch_event(uint64_t seed, int epoch, const EpochMetrics& m, std::optional<double> epoch_ms);
nlohmann::json run_event(const RunResult& run, uint64_t peak_host_bytes, uint64_t peak_device_bytes);

struct SummaryContext {
  BackendInfo backend;
  std::string dataset;
  ModelConfig config;
};
nlohmann::json summary_event(const SummaryContext& context, const std::vector<RunResult>& runs);

// Parses one child's stdout lines. Returns an empty string on success, else what is missing.
// A peer's {"event":"skipped"} line sets `skipped_reason`.
std::string parse_child_output(const std::vector<std::string>& lines, RunOutcome& run, std::string& skipped_reason);

}  // namespace gcn
