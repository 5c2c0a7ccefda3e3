// Merging results directories (several machines, several bench runs) for `gcnbench report`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

// Reads DIR/results.jsonl (or a .jsonl path) of every input, in order, validating each row.
// With a `baseline` (label prefix, optionally @host) the speedups are recomputed against it over
// all rows; without, each row keeps the speedup of its own run. Rows come back fastest first.
std::vector<nlohmann::json> merge_results(const std::vector<std::string>& inputs, const std::string& baseline,
                                          std::string* warning = nullptr);

}  // namespace gcn
