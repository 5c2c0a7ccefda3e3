#include "bench/runner.hpp"

#include <unistd.h>


#include "bench/environment.hpp"
#include "bench/interrupt.hpp"
#include "bench/process.hpp"
#include "bench/progress.hpp"
#include "bench/train_events.hpp"

namespace gcn {
namespace {

constexpr int kSkippedExitCode = 3;  // peers/common.py EXIT_SKIPPED

}  // namespace

std::vector<RowOutcome> run_rows(const std::vector<BenchRow>& rows, const RunnerOptions& options) {
  std::vector<RowOutcome> outcomes;
  size_t to_run = 0;
  for (const auto& row : rows) {
    RowOutcome outcome;
    outcome.row = row;
    if (!row.skipped_reason.empty()) {
      outcome.status = "skipped";
      outcome.reason = row.skipped_reason;
    } else {
      ++to_run;
    }
    outcomes.push_back(std::move(outcome));
  }
  const size_t total = to_run * options.seeds.size();
  size_t done = 0;
  double elapsed_ms = 0;  // the runs' wall time so far: the pace of the ETA
  for (size_t round = 0; round < options.seeds.size(); ++round) {
    const uint64_t seed = options.seeds[round];
    for (auto& outcome : outcomes) {
      // Skipped, or failed in an earlier round: not run again, it would fail the same way per seed.
      if (outcome.status != "ok") continue;
      if (interrupt_signal() != 0) break;
      const std::vector<std::string> argv = outcome.row.command(seed);
      if (outcome.command.empty()) outcome.command = shell_quote(argv);
      const std::string eta = eta_text(done, total, elapsed_ms / 1000);
      show_progress(options.progress, "[" + std::to_string(done + 1) + "/" + std::to_string(total) + "] " +
                                          outcome.row.dataset + "  " + outcome.row.label + "  run " +
                                          std::to_string(round + 1) + "/" + std::to_string(options.seeds.size()) +
                                          (eta.empty() ? "" : "  " + eta));
      ProcessOptions process;
      process.timeout_s = options.timeout_s;
      process.stderr_log = options.stderr_log;
      process.stop_on_interrupt = true;
      const double load_before = load_average_1min();
      const ProcessResult result = run_process(argv, process);
      ++done;
      elapsed_ms += result.wall_ms;
      if (result.interrupted) break;  // the run did not finish: neither a result nor a failure

      RunOutcome run;
      run.seed = seed;
      run.wall_ms = result.wall_ms;
      run.load_before = load_before;
      run.load_after = load_average_1min();
      std::string skipped;
      const std::string missing = parse_child_output(result.stdout_lines, run, skipped);
      if (!skipped.empty() || (result.exit_code == kSkippedExitCode && !result.timed_out)) {
        outcome.status = "skipped";
        outcome.reason = skipped.empty() ? "the peer exited with status 3 (skipped) without a reason" : skipped;
        outcome.runs.clear();
      } else if (!result.succeeded() || !missing.empty()) {
        outcome.status = "failed";
        outcome.reason = !result.succeeded() ? result.describe_failure(options.timeout_s) : missing;
        outcome.stderr_tail = result.stderr_tail;
      } else {
        outcome.runs.push_back(std::move(run));
      }
    }
  }
  show_progress(options.progress, "");
  if (interrupt_signal() != 0)
    for (auto& outcome : outcomes)
      if (outcome.status == "ok" && outcome.runs.empty()) {
        outcome.status = "skipped";
        outcome.reason = "not run: gcnbench was interrupted first";
      }
  return outcomes;
}

}  // namespace gcn
