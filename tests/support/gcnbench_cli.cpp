#include "support/gcnbench_cli.hpp"

#include <cstdlib>

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

}  // namespace gcn::testing
