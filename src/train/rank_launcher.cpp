#include "train/rank_launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "core/error.hpp"

extern char** environ;

namespace gcn {
namespace {

// This process's environment with `vars` (NAME=value) set, replacing any earlier value.
std::vector<std::string> environment_with(const std::vector<std::string>& vars) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const std::string& v : vars)
      if (entry.compare(0, v.find('=') + 1, v, 0, v.find('=') + 1) == 0) replaced = true;
    if (!replaced) out.push_back(entry);
  }
  out.insert(out.end(), vars.begin(), vars.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t spawn_rank(const std::string& program, const std::vector<std::string>& args, int rank, int ranks,
                 const std::string& rendezvous) {
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> env = environment_with({std::string(kRankVariable) + "=" + std::to_string(rank),
                                                   std::string(kWorldSizeVariable) + "=" + std::to_string(ranks),
                                                   std::string(kRendezvousVariable) + "=" + rendezvous});
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (rank > 0) posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int status = posix_spawn(&pid, program.c_str(), &actions, nullptr, pointers(argv).data(), pointers(env).data());
  posix_spawn_file_actions_destroy(&actions);
  if (status != 0) fail("cannot start rank " + std::to_string(rank) + " (" + program + "): " + std::strerror(status));
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

int parse_count(const char* name, const char* text) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0 || value > 1 << 20)
    fail(std::string(name) + "='" + text + "' is not a rank count or a rank number");
  return static_cast<int>(value);
}

}  // namespace

int launch_ranks(const std::string& program, const std::vector<std::string>& args, int ranks) {
  if (ranks < 1) fail("launch: at least one rank (got " + std::to_string(ranks) + ")");
  std::string dir_template = (std::filesystem::temp_directory_path() / "gcnbench-ranks-XXXXXX").string();
  if (!mkdtemp(dir_template.data()))
    fail("launch: cannot make a directory for the rendezvous: " + std::string(std::strerror(errno)));
  const std::filesystem::path dir(dir_template);
  const std::string rendezvous = (dir / "nccl-id").string();

  std::vector<pid_t> pids;
  int first_failure = 0;
  const auto stop_all = [&](int sig) {
    for (const pid_t pid : pids)
      if (pid > 0) kill(pid, sig);
  };
  try {
    for (int r = 0; r < ranks; ++r) pids.push_back(spawn_rank(program, args, r, ranks, rendezvous));
  } catch (...) {
    stop_all(SIGKILL);
    for (const pid_t pid : pids) waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir);
    throw;
  }
  size_t running = pids.size();
  bool killing = false;  // SIGTERM sent; SIGKILL follows at kill_at
  std::chrono::steady_clock::time_point kill_at{};
  while (running > 0) {
    for (pid_t& pid : pids) {
      if (pid <= 0) continue;
      int status = 0;
      const pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == 0) continue;
      pid = -1;
      --running;
      const int code = done < 0 ? 1 : exit_code_of(status);
      if (code != 0 && first_failure == 0) {
        first_failure = code;
        stop_all(SIGTERM);
        killing = true;
        kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      }
    }
    if (killing && std::chrono::steady_clock::now() >= kill_at) {
      stop_all(SIGKILL);
      killing = false;
    }
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return first_failure;
}

std::optional<RankEnvironment> rank_environment() {
  const char* rank = std::getenv(kRankVariable);
  if (!rank) return std::nullopt;
  const char* size = std::getenv(kWorldSizeVariable);
  const char* rendezvous = std::getenv(kRendezvousVariable);
  if (!size || !rendezvous)
    fail(std::string(kRankVariable) + " is set, but " + (size ? kRendezvousVariable : kWorldSizeVariable) +
         " is not: a rank is started by `gcnbench train --gpus N`, which sets all three");
  RankEnvironment env;
  env.rank = parse_count(kRankVariable, rank);
  env.world_size = parse_count(kWorldSizeVariable, size);
  env.rendezvous = rendezvous;
  if (env.world_size < 1 || env.rank >= env.world_size)
    fail(std::string(kRankVariable) + "=" + rank + " is no rank of " + kWorldSizeVariable + "=" + size);
  return env;
}

std::vector<std::string> own_arguments() {
  // /proc files report size 0, so read_file (which sizes first) does not apply here.
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  if (!in) fail("cannot read /proc/self/cmdline to start the ranks with this command line");
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  size_t start = 0;
  while (start < raw.size()) {
    const size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (!args.empty()) args.erase(args.begin());
  return args;
}

}  // namespace gcn
