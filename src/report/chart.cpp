#include "report/chart.hpp"

#include <cstdlib>

#include "bench/process.hpp"
#include "bench/python.hpp"
#include "core/install_layout.hpp"

namespace gcn {

std::string plot_script_path() {
  if (const char* env = std::getenv("GCNBENCH_PLOT"); env && *env) return env;
  return shipped_path("scripts/plot-results").string();
}

std::string plot_ops_script_path() { return shipped_path("scripts/plot-ops").string(); }

std::string draw_chart(const std::string& csv_path, const std::string& out_prefix, const std::string& script) {
  std::vector<std::string> tried;
  const auto python = find_python_with("matplotlib", &tried);
  if (!python) {
    std::string why = "no Python with matplotlib (apt-get install python3-matplotlib); tried";
    for (const auto& t : tried) why += " " + t + ";";
    return why;
  }
  ProcessOptions options;
  options.timeout_s = 120;
  const ProcessResult result = run_process({*python, script, csv_path, out_prefix}, options);
  if (result.succeeded()) return "";
  return script + ": " + result.describe_failure(options.timeout_s) + ": " + result.stderr_tail;
}

}  // namespace gcn
