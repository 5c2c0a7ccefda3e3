// report.md: the table, the chart, the environment of every machine, and the commands that
// produced the results (so a reader can rerun any row).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

struct ReportText {
  std::string title;                // "gcnbench bench: cora, 5 runs x 50 epochs"
  std::string command_line;         // the bench/report command
  std::string chart_png;            // file name beside report.md, or "" when there is no chart
  std::string chart_note;           // why there is no chart
  std::vector<std::string> notes;   // warnings (baseline not found...)
};

// The per-step profiles of the rows that carry one (`bench --profile`), a table each; "" when none.
std::string render_profiles_markdown(const std::vector<nlohmann::json>& rows);

// One machine's environment as a Markdown list: host, date, OS, CPU, memory, GPU, compiler,
// BLAS, gcnbench's commit, the command.
std::string render_environment_markdown(const nlohmann::json& environment);

std::string render_report_markdown(const std::vector<nlohmann::json>& rows, const ReportText& text);

}  // namespace gcn
