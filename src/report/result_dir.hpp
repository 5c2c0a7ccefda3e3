// A results directory: results.jsonl, results.csv, report.md, chart.png, chart.svg (and, from
// bench, stderr.log and the exported problems). Every file is written atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/markdown.hpp"

namespace gcn {

// Creates `dir` (and parents). Throws gcn::Error when it already exists and is not empty,
// unless `force` (then files in it are replaced one by one).
void prepare_output_dir(const std::string& dir, bool force);

// Writes every file; `text.chart_*` are filled in here. Returns the chart's absence reason ("" if drawn).
std::string write_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows, ReportText text);

}  // namespace gcn
