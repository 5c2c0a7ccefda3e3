// Runs the benchmark rows: one child process per (row, seed), rows interleaved within each
// round (A B C A B C ...) so that drift (thermal, other load) hits every row alike. Stdout JSON
// lines are parsed into the run/summary events; stderr goes to a log file.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

// One (implementation, dataset, adjacency, device) to measure.
struct BenchRow {
  std::string label;           // "torch-dense/cpu/dense": unique within a dataset
  std::string implementation;  // "gcnbench-cpu", "torch-dense"
  std::string device;          // "cpu", "cuda", "mps"
  std::string adj;             // "dense", "sparse"
  std::string features;        // how X is stored: "dense", "sparse"
  std::string dataset;
  std::string python;          // the interpreter (peers only)
  std::string timing;          // "per-epoch", "per-run" or "dispatch" (train/trainer.hpp's Timing)
  std::string skipped_reason;  // set before running: the row is listed as skipped
  std::function<std::vector<std::string>(uint64_t seed)> command;  // argv of one run
};

struct RunOutcome {
  uint64_t seed = 0;
  nlohmann::json run_event;                  // the "run" line
  nlohmann::json summary_event;              // the "summary" line
  nlohmann::json profile;                    // `train --profile`: {"steps": [...], "summary": {...}}, or null
  double wall_ms = 0;                        // the whole child process
  double load_before = -1, load_after = -1;  // the 1-minute load average around it (-1: unknown)
};

struct RowOutcome {
  BenchRow row;
  std::vector<RunOutcome> runs;  // successful runs, in order
  std::string status = "ok";     // "ok", "failed", "skipped"
  std::string reason;            // why failed / skipped
  std::string stderr_tail;       // of the failed child
  std::string command;           // the first run's command line (shell-quoted)
};

struct RunnerOptions {
  std::vector<uint64_t> seeds;  // one round per seed
  double timeout_s = 600;       // per child process
  std::string stderr_log;       // every child's stderr, appended
  bool progress = false;        // a live line on stderr
};

// Stops early, keeping the runs completed so far, once interrupt_signal() is set (rows never run
// are then skipped, "not run").
std::vector<RowOutcome> run_rows(const std::vector<BenchRow>& rows, const RunnerOptions& options);

}  // namespace gcn
