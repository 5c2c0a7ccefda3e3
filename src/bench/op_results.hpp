// The result rows of `gcnbench ops` (docs/ops.md has the schema, "gcnbench-op-result-1"): a
// row's time statistics are over its runs, each run counting once with the median of its
// samples (the samples of one process are not independent of each other); then every row's
// achieved bandwidth and flop rate, and its floor fraction against the probes measured on the
// same device in the same invocation.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/op_catalog.hpp"
#include "bench/runner.hpp"

namespace gcn {

nlohmann::json make_op_result_row(const RowOutcome& outcome, const OpCase& op_case, const std::string& graph,
                                  const nlohmann::json& environment);

// The device's floor from its copy and FMA rows: the fastest copy measured on it (gcnbench's
// probe, or a peer's copy when that was faster) and gcnbench's FMA probe: {"bandwidth_gbps", "fma_gflops", "copy_row",
// "fma_row"}, the missing parts null. Keyed by device ("cpu", "cuda").
nlohmann::json measured_floors(const std::vector<nlohmann::json>& rows);

// Sets floor_ms (the larger of bytes over the bandwidth and flops over the FMA peak) and
// floor_fraction (floor_ms over the row's median) on every measured row whose device has a floor.
void apply_floors(std::vector<nlohmann::json>& rows, const nlohmann::json& floors);

}  // namespace gcn
