// The results table: the cells are formatted once here (fastest first, as sort_rows leaves the
// rows) and rendered either as aligned text for the terminal or as a Markdown table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;  // measured rows only
  std::vector<std::string> not_measured;        // "pyg/cpu/sparse (cora): skipped: torch_geometric not installed"
};

// A "host" column appears when the rows come from more than one machine.
TextTable make_table(const std::vector<nlohmann::json>& rows);

std::string render_text(const TextTable& table);
std::string render_markdown(const TextTable& table);

// "12.345" with three significant decimals for small values: "0.0123", "1.23", "123.4".
std::string format_ms(double ms);

}  // namespace gcn
