#include "bench/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

#include "bench/interrupt.hpp"

extern char** environ;

namespace gcn {
namespace {

constexpr size_t kStderrTailBytes = 4096;

struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    if (read_end >= 0) close(read_end);
    if (write_end >= 0) close(write_end);
  }
  void close_write() {
    if (write_end >= 0) close(write_end);
    write_end = -1;
  }
};

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra) overridden |= x.compare(0, name.size() + 1, name + "=") == 0;
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words) out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string ProcessResult::describe_failure(double timeout_s) const {
  if (spawn_failed) return "cannot start: " + error;
  if (timed_out) return "timed out after " + std::to_string(static_cast<int>(timeout_s)) + " s";
  if (interrupted) return "stopped: gcnbench was interrupted";
  if (signal != 0) return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit status " + std::to_string(exit_code);
}

std::string find_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                               "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += word;
    } else {
      out += '\'';
      for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  ProcessResult result;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  const std::string program = argv.empty() ? "" : find_on_path(argv[0]);
  if (program.empty()) {
    result.spawn_failed = true;
    result.error = (argv.empty() ? std::string("empty command") : argv[0] + ": not found or not executable");
    return result;
  }

  int log_fd = -1;
  if (!options.stderr_log.empty()) {
    log_fd = open(options.stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd >= 0) {
      const std::string header = "\n==== " + shell_quote(argv) + "\n";
      (void)!write(log_fd, header.data(), header.size());
    }
  }

  Pipe out, err;
  if (out.read_end < 0 || err.read_end < 0) {
    result.spawn_failed = true;
    result.error = std::string("pipe: ") + std::strerror(errno);
    if (log_fd >= 0) close(log_fd);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, 2);
  // Its own process group, so a timeout also ends whatever the child started (a Python peer's workers).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options.extra_env);
  std::vector<char*> c_args = c_strings(args), c_env = c_strings(env);
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, program.c_str(), &actions, &attr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  out.close_write();
  err.close_write();
  if (spawn_error != 0) {
    result.spawn_failed = true;
    result.error = program + ": " + std::strerror(spawn_error);
    if (log_fd >= 0) close(log_fd);
    return result;
  }

  std::string partial_line;
  bool out_open = true, err_open = true;
  double interrupted_at_ms = 0;
  char buffer[65536];
  while (out_open || err_open) {
    pollfd fds[2] = {{out.read_end, POLLIN, 0}, {err.read_end, POLLIN, 0}};
    if (!out_open) fds[0].fd = -1;
    if (!err_open) fds[1].fd = -1;
    int wait_ms = 1000;
    if (options.stop_on_interrupt && interrupt_signal() != 0) {
      if (!result.interrupted) {
        result.interrupted = true;
        interrupted_at_ms = elapsed_ms();
        kill(-pid, SIGTERM);
      } else if (elapsed_ms() - interrupted_at_ms > 5000) {
        kill(-pid, SIGKILL);
      }
      wait_ms = 100;
    } else if (options.timeout_s > 0) {
      const double left_ms = options.timeout_s * 1e3 - elapsed_ms();
      if (left_ms <= 0) {
        result.timed_out = true;
        kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(std::min(left_ms, 1000.0)) + 1;
    }
    const int ready = poll(fds, 2, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (fds[0].revents) {
      const ssize_t n = read(out.read_end, buffer, sizeof buffer);
      if (n <= 0) {
        out_open = false;
      } else {
        partial_line.append(buffer, static_cast<size_t>(n));
        size_t newline;
        while ((newline = partial_line.find('\n')) != std::string::npos) {
          std::string line = partial_line.substr(0, newline);
          partial_line.erase(0, newline + 1);
          if (options.on_stdout_line) options.on_stdout_line(line);
          result.stdout_lines.push_back(std::move(line));
        }
      }
    }
    if (fds[1].revents) {
      const ssize_t n = read(err.read_end, buffer, sizeof buffer);
      if (n <= 0) {
        err_open = false;
      } else {
        if (log_fd >= 0) (void)!write(log_fd, buffer, static_cast<size_t>(n));
        result.stderr_tail.append(buffer, static_cast<size_t>(n));
        if (result.stderr_tail.size() > 2 * kStderrTailBytes)
          result.stderr_tail.erase(0, result.stderr_tail.size() - kStderrTailBytes);
      }
    }
  }
  if (!partial_line.empty()) result.stdout_lines.push_back(partial_line);
  if (result.stderr_tail.size() > kStderrTailBytes)
    result.stderr_tail.erase(0, result.stderr_tail.size() - kStderrTailBytes);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  result.wall_ms = elapsed_ms();
  if (log_fd >= 0) {
    const std::string footer = "==== " + (result.succeeded() ? std::string("ok") : result.describe_failure(options.timeout_s)) + "\n";
    (void)!write(log_fd, footer.data(), footer.size());
    close(log_fd);
  }
  return result;
}

}  // namespace gcn
