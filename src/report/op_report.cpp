#include "report/op_report.hpp"

#include <cstdio>
#include <map>

#include "core/atomic_file.hpp"
#include "report/chart.hpp"
#include "report/result_schema.hpp"

namespace gcn {
namespace {

std::string fixed(const nlohmann::json& v, const char* format) {
  if (!v.is_number()) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, v.get<double>());
  return buffer;
}

std::string rate(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  const double x = v.get<double>();
  return fixed(v, x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f");
}

std::string ms_cell(const nlohmann::json& v) { return v.is_number() ? format_ms(v.get<double>()) : "-"; }

std::string csv_field(const nlohmann::json& v) {
  if (v.is_null()) return "";
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

nlohmann::json time_field(const nlohmann::json& row, const char* key) {
  return row["time_ms"].is_object() ? row["time_ms"][key] : nlohmann::json(nullptr);
}

}  // namespace

TextTable make_op_table(const std::vector<nlohmann::json>& rows) {
  TextTable t;
  t.header = {"op",        "graph",    "shape", "implementation", "device",   "median ms",
              "95% CI ms", "first ms", "GB/s",  "GFLOP/s",        "of floor", "runs"};
  // Skipped rows are listed once per implementation, device and reason: a missing GPU skips
  // every case alike. Failed rows are listed one by one.
  std::map<std::string, int> skipped;
  std::vector<std::string> skipped_order;
  for (const auto& row : rows) {
    const std::string status = row.value("status", "");
    if (status == "skipped") {
      const std::string key =
          row.value("implementation", "") + "/" + row.value("device", "") + ": skipped: " + row.value("reason", "");
      if (skipped[key]++ == 0) skipped_order.push_back(key);
      continue;
    }
    if (status != "ok") {
      t.not_measured.push_back(row.value("label", "") + " (" + row.value("graph", "") + "): " + status + ": " +
                               row.value("reason", ""));
      continue;
    }
    const std::string ci = ms_cell(time_field(row, "ci95_low")) + " - " + ms_cell(time_field(row, "ci95_high"));
    t.cells.push_back(
        {row.value("op", ""), row.value("graph", ""), row.value("shape", ""), row.value("implementation", ""),
         row.value("device", ""), ms_cell(time_field(row, "median")), ci, ms_cell(row["first_ms"]),
         rate(row["achieved_gbps"]), rate(row["achieved_gflops"]),
         row["floor_fraction"].is_number() ? fixed(row["floor_fraction"].get<double>() * 100, "%.1f%%") : "-",
         std::to_string(row.value("runs", 0))});
  }
  for (const auto& key : skipped_order)
    t.not_measured.push_back(key + " (" + std::to_string(skipped[key]) + (skipped[key] == 1 ? " case)" : " cases)"));
  t.footnotes.push_back(
      "median: of the runs' medians (each run a process, its samples the mean of back-to-back executions); "
      "first: the first execution of a run, alone; of floor: the time the op's least traffic and arithmetic "
      "take at the device's measured copy bandwidth and FMA peak, over the median (above 100%: the op's data stayed in "
      "a cache, which is faster than the memory the copy probe streams through)");
  return t;
}

TextTable make_floor_table(const nlohmann::json& floors) {
  TextTable t;
  t.header = {"device", "copy GB/s (read + write)", "FMA GFLOP/s", "measured by"};
  for (const auto& [device, floor] : floors.items()) {
    std::string by;
    for (const char* key : {"copy_row", "fma_row"})
      if (floor[key].is_string()) by += (by.empty() ? "" : "; ") + floor[key].get<std::string>();
    t.cells.push_back({device, rate(floor["bandwidth_gbps"]), rate(floor["fma_gflops"]), by});
  }
  return t;
}

std::string op_rows_csv(const std::vector<nlohmann::json>& rows) {
  static const std::vector<std::string> columns = {"label",
                                                   "status",
                                                   "implementation",
                                                   "device",
                                                   "device_name",
                                                   "op",
                                                   "graph",
                                                   "m",
                                                   "k",
                                                   "n",
                                                   "shape",
                                                   "bytes",
                                                   "flops",
                                                   "runs",
                                                   "median_ms",
                                                   "mean_ms",
                                                   "stddev_ms",
                                                   "ci95_low_ms",
                                                   "ci95_high_ms",
                                                   "first_ms",
                                                   "achieved_gbps",
                                                   "achieved_gflops",
                                                   "floor_ms",
                                                   "floor_fraction",
                                                   "host",
                                                   "reason"};
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    out += columns[i];
  }
  out += "\n";
  static const std::map<std::string, const char*> from_time = {{"median_ms", "median"},
                                                               {"mean_ms", "mean"},
                                                               {"stddev_ms", "stddev"},
                                                               {"ci95_low_ms", "ci95_low"},
                                                               {"ci95_high_ms", "ci95_high"}};
  for (const auto& row : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& c = columns[i];
      const auto t = from_time.find(c);
      const nlohmann::json v = t != from_time.end() ? time_field(row, t->second)
                               : row.contains(c)    ? row[c]
                                                    : nlohmann::json(nullptr);
      if (i) out += ',';
      out += csv_field(v);
    }
    out += "\n";
  }
  return out;
}

std::string write_op_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows,
                                const nlohmann::json& floors, ReportText text) {
  write_file_atomically(dir + "/results.jsonl", to_jsonl(rows));
  write_file_atomically(dir + "/results.csv", op_rows_csv(rows));
  bool any_measured = false;
  for (const auto& row : rows) any_measured |= row.value("status", "") == "ok";
  const std::string chart_error =
      any_measured ? draw_chart(dir + "/results.csv", dir + "/chart", plot_ops_script_path()) : "no measured rows";

  std::string md = "# " + text.title + "\n\n";
  if (!text.command_line.empty()) md += "```\n" + text.command_line + "\n```\n\n";
  md += "## Floors measured here\n\n" + render_markdown(make_floor_table(floors)) + "\n";
  md += "## Ops\n\n" + render_markdown(make_op_table(rows));
  for (const auto& note : text.notes) md += "\nNote: " + note + "\n";
  md += "\n## Chart\n\n";
  md += chart_error.empty() ? "![time per op against its floor](chart.png)\n" : "No chart: " + chart_error + "\n";
  std::map<std::string, nlohmann::json> environments;
  for (const auto& row : rows) environments.emplace(row.value("host", ""), row["environment"]);
  md += "\n## Environment\n";
  for (const auto& [host, env] : environments) {
    md += '\n';
    md += render_environment_markdown(env);
  }
  md += "\n## Commands\n\nEach row ran one process per seed; the first seed's command:\n\n";
  for (const auto& row : rows)
    if (!row.value("command", "").empty())
      md += "- " + row.value("label", "") + " (" + row.value("graph", "") + "), " + row.value("status", "") + ":\n  `" +
            row.value("command", "") + "`\n";
  write_file_atomically(dir + "/report.md", md);
  return chart_error;
}

}  // namespace gcn
