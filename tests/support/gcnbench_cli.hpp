// The gcnbench binary as a test runs it: $GCNBENCH_BINARY (set by CTest), a time limit so that a
// hang fails instead of stalling the suite, stdout collected.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/process.hpp"

namespace gcn::testing {

// Empty when the test runs outside ctest.
std::string gcnbench_binary();

struct CliRun {
  ProcessResult result;
  std::string stdout_text;
  std::string command;
};

// The JSON lines of `text` whose "event" is `kind` (train --json: "epoch", "run", "summary").
std::vector<nlohmann::json> json_events(const std::string& text, const std::string& kind);

CliRun run_gcnbench(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                    double timeout_s = 120);

}  // namespace gcn::testing
