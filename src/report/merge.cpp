#include "report/merge.hpp"

#include "bench/aggregate.hpp"
#include "report/result_schema.hpp"

namespace gcn {

std::vector<nlohmann::json> merge_results(const std::vector<std::string>& inputs, const std::string& baseline,
                                          std::string* warning) {
  std::vector<nlohmann::json> rows;
  for (const auto& input : inputs) {
    const std::string path = input.ends_with(".jsonl") ? input : input + "/results.jsonl";
    for (auto& row : read_results_jsonl(path)) rows.push_back(std::move(row));
  }
  if (!baseline.empty()) {
    const std::string message = apply_speedups(rows, baseline);
    if (warning) *warning = message;
  }
  sort_rows(rows);
  return rows;
}

}  // namespace gcn
