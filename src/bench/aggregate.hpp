// Turns the runs of one row into its result (docs/results-schema.md): epoch-time statistics over
// every timed sample of every run (warm-up epochs are never in them), accuracy over runs, peak
// memory over runs; then speedups against a baseline row.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/runner.hpp"

namespace gcn {

struct RowContext {
  std::string preset;
  int epochs = 0;
  int warmup = 0;
  nlohmann::json environment;
};

nlohmann::json make_result_row(const RowOutcome& outcome, const RowContext& context);

// Sets "graph" (the size of the row's graph: nodes, adjacency_entries, features,
// feature_entries, classes) and, on measured rows, "adjacency_entries_per_s": the stored entries
// of A_hat over the mean epoch time, a throughput comparable across graphs.
void add_graph_size(nlohmann::json& row, const nlohmann::json& size);

// What a row computes, as the speedups compare it: "sparse adjacency, sparse features, preset
// kipf, per-epoch timing" (precision is fp32 everywhere).
std::string computation_of(const nlohmann::json& row);

// Sets "speedup" (the baseline's mean epoch time / this row's) and "baseline" (its label) on every
// measured row except those timed by dispatch, comparing only rows of the same dataset and the
// same computation: by default against PyTorch on the CPU of that computation (else any PyTorch
// row of it, else its first row). `baseline` (a label prefix, "@host" to pick a machine) names
// the baseline instead; rows computing something else then get a null speedup and a
// "speedup_note" saying why. Returns a warning when the requested baseline is not among the rows.
std::string apply_speedups(std::vector<nlohmann::json>& rows, const std::string& baseline);

// Sets "floor_ms" (the least time the epoch's traffic and arithmetic take on the row's device: the
// sum of the step floors of a gcnbench row profiled with `bench --profile`, on the same dataset,
// computation, device and host, the peers' included), "floor_fraction" (floor_ms over the row's
// mean epoch time), "epoch_gb_per_s" (the epoch's least bytes over its mean time) and "floor_from"
// (the profiled row's label); null where no such profile is.
void apply_floors(std::vector<nlohmann::json>& rows);

// Measured rows first, fastest first; then published reference rows (fastest first), failed,
// skipped (stable otherwise).
void sort_rows(std::vector<nlohmann::json>& rows);

}  // namespace gcn
