#include "support/result_rows.hpp"

namespace gcn::testing {

nlohmann::json environment(const std::string& host) {
  return {{"host", host},
          {"date", "2026-11-25T06:00:00Z"},
          {"cpu_model", "Test CPU"},
          {"cpu_cores", 2},
          {"memory_bytes", 1},
          {"gpus", nlohmann::json::array()},
          {"cuda_version", nullptr},
          {"compiler", "GNU"},
          {"blas", "OpenBLAS"},
          {"gcnbench_version", "0.1.0"},
          {"git_commit", "abc"},
          {"command_line", "gcnbench bench"}};
}

RowOutcome outcome(const std::string& implementation, const std::vector<std::vector<double>>& epoch_ms) {
  RowOutcome o;
  o.row.implementation = implementation;
  o.row.device = "cpu";
  o.row.adj = "dense";
  o.row.label = implementation + "/cpu/dense";
  o.row.dataset = "cora";
  o.command = implementation + " --seeds 0";
  uint64_t seed = 0;
  for (const auto& ms : epoch_ms) {
    RunOutcome run;
    run.seed = seed;
    run.run_event = {{"event", "run"},        {"seed", seed},
                     {"epoch_ms", ms},        {"test_acc", 0.8 + 0.01 * seed},
                     {"test_loss", 0.6},      {"peak_host_bytes", 1000 + seed},
                     {"peak_device_bytes", 0}};
    run.summary_event = {{"event", "summary"}, {"framework", "test"}, {"threads", 2}};
    o.runs.push_back(run);
    ++seed;
  }
  return o;
}

}  // namespace gcn::testing
