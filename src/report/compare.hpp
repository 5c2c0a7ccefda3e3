// `gcnbench compare OLD NEW`: the rows of two result sets (before and after a change, two
// machines) matched by dataset and label, each pair's median run time old and new, their ratio,
// and whether the runs differ (Mann-Whitney U on the runs' mean epoch times, bench/significance).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/table.hpp"

namespace gcn {

inline constexpr double kSignificance = 0.05;

// One object per matched or unmatched row: dataset, label, old_ms, new_ms (medians of the run
// means), ratio (new / old), p_value, exact, runs_old, runs_new, verdict ("slower", "faster",
// "no significant difference", "no test: ...", "only in old", "only in new") and note (a
// computation that differs: preset, features, timing). Only measured rows are compared.
std::vector<nlohmann::json> compare_results(const std::vector<nlohmann::json>& old_rows,
                                            const std::vector<nlohmann::json>& new_rows);

// Rows that got slower by more than `percent` with p below kSignificance.
std::vector<nlohmann::json> regressions(const std::vector<nlohmann::json>& compared, double percent);

TextTable make_compare_table(const std::vector<nlohmann::json>& compared);

}  // namespace gcn
