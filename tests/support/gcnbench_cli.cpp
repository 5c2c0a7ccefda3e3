#include "support/gcnbench_cli.hpp"

#include <cstdlib>
#include <sstream>

namespace gcn::testing {

std::string gcnbench_binary() {
  const char* path = std::getenv("GCNBENCH_BINARY");
  return path ? path : "";
}

CliRun run_gcnbench(const std::vector<std::string>& args, const std::vector<std::string>& env, double timeout_s) {
  std::vector<std::string> argv = {gcnbench_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.timeout_s = timeout_s;
  options.extra_env = env;
  CliRun run;
  run.command = shell_quote(argv);
  run.result = run_process(argv, options);
  for (const auto& line : run.result.stdout_lines) run.stdout_text += line + "\n";
  return run;
}

std::vector<nlohmann::json> json_events(const std::string& text, const std::string& kind) {
  std::vector<nlohmann::json> found;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("event", "") == kind) found.push_back(j);
  }
  return found;
}

}  // namespace gcn::testing
