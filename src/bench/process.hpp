// Runs one child process (a `gcnbench train` or a peer script) with its stdout captured line by
// line, its stderr appended to a log file, and a wall-clock limit. A child that fails, crashes
// or runs too long is a result to record, never an exception: bench keeps going.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace gcn {

struct ProcessResult {
  int exit_code = -1;          // exit status, or -1 when killed by a signal
  int signal = 0;              // the signal that ended it (0 if it exited)
  bool timed_out = false;      // killed by us after timeout_s
  bool spawn_failed = false;   // could not start (program missing...): see error
  bool interrupted = false;    // stopped by us because gcnbench itself was asked to stop
  std::string error;
  std::vector<std::string> stdout_lines;
  std::string stderr_tail;     // last few KiB of stderr, for the failure message
  double wall_ms = 0;

  bool succeeded() const { return !spawn_failed && !timed_out && !interrupted && signal == 0 && exit_code == 0; }
  // "exit status 2", "killed by signal 9", "timed out after 600 s", "cannot start: ..."
  std::string describe_failure(double timeout_s) const;
};

struct ProcessOptions {
  double timeout_s = 0;            // 0: no limit
  std::string stderr_log;          // append stderr here (empty: keep only the tail)
  std::vector<std::string> extra_env;  // "NAME=value" added to this process's environment
  std::function<void(const std::string&)> on_stdout_line;  // called as lines arrive
  // Stop the child (SIGTERM to its process group, SIGKILL 5 s later) once interrupt_signal()
  // (bench/interrupt.hpp) is set.
  bool stop_on_interrupt = false;
};

// argv[0] is looked up on PATH when it has no slash.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The command line as a shell would accept it (words quoted where needed), for logs and reports.
std::string shell_quote(const std::vector<std::string>& argv);

// `name` resolved against $PATH (empty if not found); a name with a slash is returned if executable.
std::string find_on_path(const std::string& name);

}  // namespace gcn
