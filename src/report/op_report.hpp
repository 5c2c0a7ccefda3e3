// The outputs of `gcnbench ops`: the table (terminal and Markdown), results.csv, report.md and
// the chart (scripts/plot-ops), beside results.jsonl; every file written atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/markdown.hpp"
#include "report/table.hpp"

namespace gcn {

// Rows in the order given (op_cases' order, fastest first within a case); rows not measured go
// to the list below the table with their reason.
TextTable make_op_table(const std::vector<nlohmann::json>& rows);

// The floors as a small table: device, copy bandwidth, FMA peak, the rows that measured them.
TextTable make_floor_table(const nlohmann::json& floors);

std::string op_rows_csv(const std::vector<nlohmann::json>& rows);

// Writes results.jsonl, results.csv, report.md and chart.{png,svg}; returns why there is no
// chart ("" when it was drawn).
std::string write_op_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows,
                                const nlohmann::json& floors, ReportText text);

}  // namespace gcn
