// results.csv: one line per result row, flat columns, for spreadsheets and plotting tools
// (scripts/plot-results reads it).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

std::string to_csv(const std::vector<nlohmann::json>& rows);

// The column names, in order (documented in docs/results-schema.md).
const std::vector<std::string>& csv_columns();

}  // namespace gcn
