#include "report/markdown.hpp"

#include <cmath>
#include <map>
#include <set>

#include "core/memory.hpp"
#include "report/table.hpp"

namespace gcn {
namespace {

std::string value_text(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// A missing key reads as null: const operator[] on an absent key is undefined behaviour in
// nlohmann::json (AddressSanitizer caught it on an empty environment).
nlohmann::json field(const nlohmann::json& env, const char* key) {
  return env.is_object() && env.contains(key) ? env[key] : nlohmann::json(nullptr);
}

}  // namespace

std::string render_environment_markdown(const nlohmann::json& env) {
  std::string gpus;
  for (const auto& gpu : env.value("gpus", nlohmann::json::array()))
    gpus += (gpus.empty() ? "" : "; ") + value_text(field(gpu, "name")) + " (driver " +
            value_text(field(gpu, "driver")) + ", " + value_text(field(gpu, "memory")) + ")";
  std::string out;
  const auto item = [&](const char* name, const std::string& value) {
    out += std::string("- ") + name + ": " + value + "\n";
  };
  item("host", value_text(field(env, "host")));
  item("date", value_text(field(env, "date")));
  item("OS", value_text(env.value("os", nlohmann::json(nullptr))));
  item("CPU", value_text(field(env, "cpu_model")) + ", " + value_text(field(env, "cpu_cores")) + " logical cores");
  item("memory",
       field(env, "memory_bytes").is_number() ? format_bytes(field(env, "memory_bytes").get<uint64_t>()) : "-");
  item("GPU", gpus.empty() ? "none" : gpus + ", CUDA " + value_text(field(env, "cuda_version")));
  item("compiler", value_text(field(env, "compiler")));
  item("BLAS", value_text(field(env, "blas")));
  item("gcnbench",
       value_text(field(env, "gcnbench_version")) + " (commit " + value_text(field(env, "git_commit")) + ")");
  item("command", std::string("`") + value_text(field(env, "command_line")) + "`");
  for (const auto& peer : env.value("peers", nlohmann::json::array()))
    item(("peer " + value_text(field(peer, "implementation"))).c_str(),
         value_text(field(peer, "framework")) + " " + value_text(field(peer, "framework_version")) + ", Python " +
             value_text(field(peer, "python_version")) + " (`" + value_text(field(peer, "python")) + "`)" +
             (field(peer, "compile_ms").is_number()
                  ? ", compiled in " + std::to_string(std::lround(field(peer, "compile_ms").get<double>())) +
                        " ms (first run; not in any epoch time)"
                  : ""));
  return out;
}

std::string render_profiles_markdown(const std::vector<nlohmann::json>& rows) {
  std::string out;
  for (const auto& row : rows) {
    if (!row.contains("profile") || !row["profile"].is_object() || !row["profile"].contains("steps")) continue;
    const auto& p = row["profile"];
    if (out.empty())
      out = "\n## Where each epoch goes (`--profile`)\n\nEach step's median over the profiled epochs of the row's "
            "first run, beside its floor: the larger of its least bytes at the copy bandwidth and its flops at the "
            "FMA peak, both measured by the backend's probes in that process (docs/results-schema.md, profile).\n";
    const auto& sum = p.value("summary", nlohmann::json::object());
    out += "\n### " + row.value("label", "") + " (" + row.value("dataset", "") + ")\n\n";
    if (sum.is_object() && sum.contains("epoch_ms"))
      out += "Epoch " + format_number("%.4f", sum.value("epoch_ms", 0.0)) + " ms as the sum of its steps, floor " +
             format_number("%.4f", sum.value("floor_ms", 0.0)) + " ms; copy " +
             format_number("%.0f", sum.value("copy_gb_per_s", 0.0)) + " GB/s, FMA " +
             format_number("%.0f", sum.value("fma_gflop_per_s", 0.0)) + " GFLOP/s.\n\n";
    out += "| step | op | shape | ms | of floor |\n|---|---|---|---:|---:|\n";
    for (const auto& s : p["steps"])
      out += "| " + s.value("step", "") + " | " + s.value("op", "") + " | " + s.value("shape", "") + " | " +
             format_number("%.4f", s.value("ms", 0.0)) + " | " +
             format_number("%.1f%%", 100 * s.value("floor_fraction", 0.0)) + " |\n";
  }
  return out;
}

std::string render_report_markdown(const std::vector<nlohmann::json>& rows, const ReportText& text) {
  std::string out = "# " + text.title + "\n\n";
  if (!text.command_line.empty()) out += "```\n" + text.command_line + "\n```\n\n";
  out += render_markdown(make_table(rows));
  std::set<std::string> baselines;
  for (const auto& row : rows)
    if (row["baseline"].is_string()) baselines.insert(row["baseline"].get<std::string>());
  std::string baseline_list;
  for (const auto& b : baselines) baseline_list += (baseline_list.empty() ? "" : ", ") + b;
  out +=
      "\nEpoch times exclude the warm-up epochs. Each run (a process) counts once, with its mean epoch time: "
      "mean, std, median, min and the Student-t 95% CI are over the n runs, and every epoch time is kept in "
      "results.jsonl (raw_samples). Speedup: mean epoch "
      "time of the baseline (" +
      (baseline_list.empty() ? std::string("-") : baseline_list) + ") divided by the row's.\n";
  for (const auto& note : text.notes) out += "\nNote: " + note + "\n";
  out += render_profiles_markdown(rows);
  out += "\n## Chart\n\n";
  out += text.chart_png.empty() ? "No chart: " + text.chart_note + "\n" : "![epoch time](" + text.chart_png + ")\n";

  // One environment block per machine (report merges several).
  std::map<std::string, nlohmann::json> environments;
  // Published reference rows were measured elsewhere: no environment of theirs to show.
  for (const auto& row : rows)
    if (row.value("status", "") != "reference") environments.emplace(row.value("host", ""), row["environment"]);
  out += "\n## Environment\n";
  for (const auto& [host, env] : environments) {
    out += '\n';
    out += render_environment_markdown(env);
  }

  out += "\n## Commands\n\nEach row ran one process per seed; the first seed's command:\n\n";
  for (const auto& row : rows) {
    if (row.value("command", "").empty()) continue;
    out += "- " + row.value("label", "") + " (" + row.value("dataset", "") + ", " + row.value("host", "") + "), " +
           (row["python"].is_string() ? "interpreter " + row["python"].get<std::string>() + ", " : "") +
           row.value("status", "") + ":\n  `" + row.value("command", "") + "`\n";
  }
  return out;
}

}  // namespace gcn
