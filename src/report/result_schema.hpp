// The result row of results.jsonl ("gcnbench-result-2", docs/results-schema.md; version 1 is still read): a checker, and
// reading/writing the file. The schema is written down once here and in the doc.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

// Every violation of the schema, one message each ("epoch_ms.mean: expected a number"); empty
// when the row is valid.
std::vector<std::string> validate_result_row(const nlohmann::json& row);

// One JSON object per line.
std::string to_jsonl(const std::vector<nlohmann::json>& rows);
// Reads and validates results.jsonl; throws gcn::Error naming the file, line and first problem.
std::vector<nlohmann::json> read_results_jsonl(const std::string& path);

}  // namespace gcn
