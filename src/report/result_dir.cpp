#include "report/result_dir.hpp"

#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/chart.hpp"
#include "report/csv.hpp"
#include "report/result_schema.hpp"

namespace gcn {

void prepare_output_dir(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) fail(dir + ": exists and is not a directory");
    if (!fs::is_empty(dir, ec) && !force) fail(dir + ": already exists; choose another --out or pass --force to overwrite");
    return;
  }
  fs::create_directories(dir, ec);
  if (ec) fail(dir + ": cannot create: " + ec.message());
}

std::string write_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows, ReportText text) {
  // What is written must read back: the writer checks each row by the reader's rules.
  for (const auto& row : rows)
    if (const auto errors = validate_result_row(row); !errors.empty())
      fail(dir + "/results.jsonl: row " + row.value("label", "?") + " would not be a valid gcnbench-result-1 row: " +
           errors.front());
  write_file_atomically(dir + "/results.jsonl", to_jsonl(rows));
  write_file_atomically(dir + "/results.csv", to_csv(rows));
  bool any_measured = false;
  for (const auto& row : rows) any_measured |= row.value("status", "") == "ok";
  std::string chart_error = any_measured ? draw_chart(dir + "/results.csv", dir + "/chart") : "no measured rows";
  text.chart_png = chart_error.empty() ? "chart.png" : "";
  text.chart_note = chart_error;
  write_file_atomically(dir + "/report.md", render_report_markdown(rows, text));
  return chart_error;
}

}  // namespace gcn
