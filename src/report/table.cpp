#include "report/table.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/memory.hpp"

namespace gcn {

std::string format_number(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

namespace {

std::string text(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string first_line(std::string s) {
  const size_t newline = s.find('\n');
  return newline == std::string::npos ? s : s.substr(0, newline);
}

bool is_reference(const nlohmann::json& row) { return row.value("status", "") == "reference"; }

bool is_dispatch(const nlohmann::json& row) { return row.contains("timing") && row["timing"] == "dispatch"; }

}  // namespace

const char* const kDispatchNote =
    "dispatch time, as the MLX-vs-CUDA benchmark measured it: the host's time to issue an epoch, with no "
    "synchronize inside the timing; on a GPU this is not the time the epoch takes (compare the synchronized row "
    "of the same implementation)";

std::string implementation_cell(const nlohmann::json& row) {
  std::string cell = row.value("implementation", "");
  if (is_reference(row))
    return cell + " (published: " + row.value("device_name", "") + (is_dispatch(row) ? "; dispatch time" : "") + ")";
  if (is_dispatch(row)) cell += " (dispatch time)";
  return cell;
}

std::string format_ms(double ms) {
  if (ms >= 100) return format_number("%.1f", ms);
  if (ms >= 1) return format_number("%.3f", ms);
  return format_number("%.4f", ms);
}

TextTable make_table(const std::vector<nlohmann::json>& rows) {
  std::set<std::string> hosts, sources;
  bool any_dispatch = false;
  for (const auto& row : rows) {
    if (is_reference(row)) {
      sources.insert(row.value("source", ""));
    } else {
      hosts.insert(row.value("host", ""));
      any_dispatch |= is_dispatch(row) && row.value("status", "") == "ok";
    }
  }
  const bool show_host = hosts.size() > 1;

  TextTable table;
  if (show_host) table.header.push_back("host");
  for (const char* h : {"dataset", "implementation", "device", "adj", "features", "epoch ms (mean ± std)", "median", "min",
                        "95% CI", "n", "test acc", "peak RSS", "peak device", "speedup", "of floor"})
    table.header.push_back(h);
  for (const auto& row : rows) {
    const std::string where = row.value("label", "") + " (" + row.value("dataset", "") +
                              (show_host ? ", " + row.value("host", "") : "") + ")";
    if (is_reference(row)) {
      const std::string none = "-";
      std::vector<std::string> cells;
      if (show_host) cells.push_back("published");
      cells.insert(cells.end(), {row.value("dataset", ""), implementation_cell(row), row.value("device", ""),
                                 row.value("adj", ""), text(row.value("features", nlohmann::json())),
                                 format_ms(row["epoch_ms"]["mean"].get<double>()), none, none,
                                 none, none, none, none, none, none, none});
      table.cells.push_back(std::move(cells));
      continue;
    }
    if (row.value("status", "") != "ok") {
      table.not_measured.push_back(where + ": " + row.value("status", "") + ": " + first_line(row.value("reason", "")));
      continue;
    }
    const auto& t = row["epoch_ms"];
    std::vector<std::string> cells;
    if (show_host) cells.push_back(row.value("host", ""));
    const uint64_t device_bytes = row.value("peak_device_bytes", uint64_t{0});
    cells.insert(cells.end(),
                 {row.value("dataset", ""), implementation_cell(row), row.value("device", ""), row.value("adj", ""),
                  text(row.value("features", nlohmann::json())),
                  format_ms(t["mean"].get<double>()) + " ± " + format_ms(t["std"].get<double>()),
                  format_ms(t["median"].get<double>()), format_ms(t["min"].get<double>()),
                  format_ms(t["ci95_low"].get<double>()) + "–" + format_ms(t["ci95_high"].get<double>()),
                  text(t.contains("n") ? t["n"] : t["samples"]),
                  row["test_acc_mean"].is_number()
                      ? format_number("%.3f", row["test_acc_mean"].get<double>()) + " ± " +
                            format_number("%.3f", row["test_acc_std"].get<double>())
                      : "n/a",
                  format_bytes(row.value("peak_host_bytes", uint64_t{0})),
                  device_bytes ? format_bytes(device_bytes) : "-",
                  row["speedup"].is_number() ? format_number("%.2fx", row["speedup"].get<double>()) : "-",
                  row.value("floor_fraction", nlohmann::json()).is_number()
                      ? format_number("%.1f%%", 100 * row["floor_fraction"].get<double>())
                      : "-"});
    table.cells.push_back(std::move(cells));
  }
  if (any_dispatch) table.footnotes.push_back(std::string("(dispatch time): ") + kDispatchNote + ".");
  table.footnotes.push_back(
      "speedup: against the baseline of the same computation (adjacency, features, preset, timing), by default "
      "PyTorch on the CPU; '-' where the row computes something else than the requested baseline. of floor: the "
      "least time of the epoch's traffic and arithmetic on the row's device (bench --profile's gcnbench row of the "
      "same computation) over the row's mean epoch time.");
  for (const auto& source : sources)
    table.footnotes.push_back("(published): not measured here; from " + source +
                              ", the MLX-vs-CUDA benchmark's own figures (mean over 50 epochs x 5 runs, no warm-up; "
                              "its torch rows on CUDA and MPS are dispatch time).");
  return table;
}

// Display width of UTF-8 text (the ± and – signs are one column, several bytes).
static size_t display_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string render_text(const TextTable& table) {
  std::vector<size_t> widths(table.header.size(), 0);
  for (size_t c = 0; c < widths.size(); ++c) widths[c] = display_width(table.header[c]);
  for (const auto& row : table.cells)
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      out += cells[c] + std::string(widths[c] - display_width(cells[c]) + (c + 1 < cells.size() ? 2 : 0), ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.header);
  size_t total = 0;
  for (size_t w : widths) total += w + 2;
  out += std::string(total - 2, '-') + "\n";
  for (const auto& row : table.cells) out += line(row);
  if (table.cells.empty()) out += "(no implementation was measured)\n";
  for (const auto& note : table.footnotes) out += note + "\n";
  for (const auto& note : table.not_measured) out += "  " + note + "\n";
  return out;
}

std::string render_markdown(const TextTable& table) {
  const auto line = [](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& cell : cells) out += " " + cell + " |";
    return out + "\n";
  };
  std::string out = line(table.header) + "|";
  for (size_t c = 0; c < table.header.size(); ++c) out += c + 10 < table.header.size() ? "---|" : "---:|";  // the last 10 columns are numbers
  out += "\n";
  for (const auto& row : table.cells) out += line(row);
  for (const auto& note : table.footnotes) out += "\n" + note + "\n";
  if (!table.not_measured.empty()) {
    out += "\nNot measured:\n\n";
    for (const auto& note : table.not_measured) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace gcn
