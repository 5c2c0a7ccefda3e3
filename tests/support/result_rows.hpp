// Result rows made by hand for the tests of aggregation, the schema, the table, merging and
// compare: a complete environment, and a row's outcome from its runs' epoch times.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/runner.hpp"

namespace gcn::testing {

// Every field validate_result_row requires of an environment, for machine `host`.
nlohmann::json environment(const std::string& host);

// A cora row of `implementation` on the cpu, dense adjacency, whose runs took `epoch_ms` per
// epoch (one vector per run, seeds 0, 1, ...).
RowOutcome outcome(const std::string& implementation, const std::vector<std::vector<double>>& epoch_ms);

}  // namespace gcn::testing
