// The results table: the cells are formatted once here (fastest first, as sort_rows leaves the
// rows) and rendered either as aligned text for the terminal or as a Markdown table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;  // measured rows, then published reference rows
  std::vector<std::string> not_measured;        // "pyg/cpu/sparse (cora): skipped: torch_geometric not installed"
  std::vector<std::string> footnotes;           // what a marked cell means (dispatch time, published)
};

// A "host" column appears when the rows come from more than one machine. Rows timed by dispatch
// and published reference rows are marked in their implementation cell and explained below.
TextTable make_table(const std::vector<nlohmann::json>& rows);

std::string render_text(const TextTable& table);
std::string render_markdown(const TextTable& table);

// The implementation cell: "torch-dense", "torch-dense (dispatch time)",
// "torch-dense (published: Tesla V100 (NVLink))". The chart labels its bars the same way.
std::string implementation_cell(const nlohmann::json& row);

// One number through a printf pattern: format_number("%.1f", 2.5) is "2.5".
std::string format_number(const char* pattern, double value);

// "12.345" with three significant decimals for small values: "0.0123", "1.23", "123.4".
std::string format_ms(double ms);

}  // namespace gcn
