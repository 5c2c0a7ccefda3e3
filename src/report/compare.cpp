#include "report/compare.hpp"

#include <cstdio>
#include <map>

#include "bench/significance.hpp"

namespace gcn {
namespace {

// The runs' mean epoch times of a row: raw_samples.run_ms (gcnbench-result-2); empty for
// version-1 rows, which kept only aggregates.
std::vector<double> run_times(const nlohmann::json& row) {
  std::vector<double> times;
  if (!row.contains("raw_samples") || !row["raw_samples"].is_object()) return times;
  for (const auto& ms : row["raw_samples"].value("run_ms", nlohmann::json::array()))
    if (ms.is_number()) times.push_back(ms.get<double>());
  return times;
}

std::string key_of(const nlohmann::json& row) { return row.value("dataset", "") + "\n" + row.value("label", ""); }

// What makes two rows of one label compute different things.
std::string computation_note(const nlohmann::json& a, const nlohmann::json& b) {
  std::string note;
  for (const char* key : {"preset", "features", "timing", "epochs", "layers"}) {
    const nlohmann::json va = a.contains(key) ? a[key] : nlohmann::json(),
                         vb = b.contains(key) ? b[key] : nlohmann::json();
    if (va != vb)
      note += (note.empty() ? "different " : ", ") + std::string(key) + ": " + va.dump() + " vs " + vb.dump();
  }
  return note;
}

std::string number(const char* format, double x) {
  char text[64];
  std::snprintf(text, sizeof text, format, x);
  return text;
}

}  // namespace

std::vector<nlohmann::json> compare_results(const std::vector<nlohmann::json>& old_rows,
                                            const std::vector<nlohmann::json>& new_rows) {
  std::map<std::string, const nlohmann::json*> old_by_key;
  std::vector<std::string> old_order;
  for (const auto& row : old_rows)
    if (row.value("status", "") == "ok" && old_by_key.emplace(key_of(row), &row).second)
      old_order.push_back(key_of(row));
  std::vector<nlohmann::json> out;
  std::map<std::string, bool> matched;
  for (const auto& row : new_rows) {
    if (row.value("status", "") != "ok") continue;
    const std::string key = key_of(row);
    nlohmann::json c = {{"dataset", row.value("dataset", "")},
                        {"label", row.value("label", "")},
                        {"old_ms", nullptr},
                        {"new_ms", row["epoch_ms"]["median"]},
                        {"ratio", nullptr},
                        {"p_value", nullptr},
                        {"exact", nullptr},
                        {"runs_old", nullptr},
                        {"runs_new", row.value("runs", 0)},
                        {"note", ""}};
    const auto found = old_by_key.find(key);
    if (found == old_by_key.end()) {
      c["verdict"] = "only in new";
      out.push_back(std::move(c));
      continue;
    }
    matched[key] = true;
    const nlohmann::json& old = *found->second;
    const double old_ms = old["epoch_ms"]["median"].get<double>(), new_ms = row["epoch_ms"]["median"].get<double>();
    c["old_ms"] = old_ms;
    c["ratio"] = new_ms / old_ms;
    c["runs_old"] = old.value("runs", 0);
    c["note"] = computation_note(old, row);
    const std::vector<double> a = run_times(old), b = run_times(row);
    if (a.size() < 2 || b.size() < 2) {
      c["verdict"] = a.empty() || b.empty() ? "no test: a side has no per-run samples (a gcnbench-result-1 file)"
                                            : "no test: fewer than two runs on a side";
    } else {
      const MannWhitney test = mann_whitney_u(b, a);
      c["p_value"] = test.p_value;
      c["exact"] = test.exact;
      c["verdict"] = test.p_value >= kSignificance ? "no significant difference"
                     : new_ms > old_ms             ? "slower"
                                                   : "faster";
    }
    out.push_back(std::move(c));
  }
  for (const auto& key : old_order)
    if (!matched.count(key)) {
      const nlohmann::json& old = *old_by_key[key];
      out.push_back({{"dataset", old.value("dataset", "")},
                     {"label", old.value("label", "")},
                     {"old_ms", old["epoch_ms"]["median"]},
                     {"new_ms", nullptr},
                     {"ratio", nullptr},
                     {"p_value", nullptr},
                     {"exact", nullptr},
                     {"runs_old", old.value("runs", 0)},
                     {"runs_new", nullptr},
                     {"note", ""},
                     {"verdict", "only in old"}});
    }
  return out;
}

std::vector<nlohmann::json> regressions(const std::vector<nlohmann::json>& compared, double percent) {
  std::vector<nlohmann::json> slower;
  for (const auto& c : compared)
    if (c.value("verdict", "") == "slower" && c["ratio"].get<double>() > 1 + percent / 100) slower.push_back(c);
  return slower;
}

TextTable make_compare_table(const std::vector<nlohmann::json>& compared) {
  TextTable t;
  t.header = {"dataset", "row", "old ms", "new ms", "new / old", "p", "runs", "verdict"};
  for (const auto& c : compared) {
    const auto ms = [](const nlohmann::json& v) { return v.is_number() ? format_ms(v.get<double>()) : "-"; };
    std::string verdict = c.value("verdict", "");
    if (!c.value("note", "").empty()) verdict += " (" + c.value("note", "") + ")";
    t.cells.push_back({c.value("dataset", ""), c.value("label", ""), ms(c["old_ms"]), ms(c["new_ms"]),
                       c["ratio"].is_number() ? number("%.3f", c["ratio"].get<double>()) : "-",
                       c["p_value"].is_number() ? number("%.3g", c["p_value"].get<double>()) : "-",
                       (c["runs_old"].is_number() ? std::to_string(c["runs_old"].get<int>()) : "-") + " / " +
                           (c["runs_new"].is_number() ? std::to_string(c["runs_new"].get<int>()) : "-"),
                       verdict});
  }
  t.footnotes.push_back(
      "old, new: median over runs of each run's mean epoch time; p: two-sided Mann-Whitney U over the runs' mean "
      "epoch times (exact for small samples without ties), a difference when p < 0.05");
  return t;
}

}  // namespace gcn
