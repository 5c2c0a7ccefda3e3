#include "bench/python.hpp"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>

#include "bench/process.hpp"

namespace gcn {
namespace {

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  const size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

}  // namespace

std::vector<std::string> python_candidates() {
  std::vector<std::string> raw;
  if (const char* env = std::getenv("GCNBENCH_PYTHON"); env && *env) raw.push_back(find_on_path(env).empty() ? env : find_on_path(env));
  raw.push_back("/usr/bin/python3");
  if (const std::string on_path = find_on_path("python3"); !on_path.empty()) raw.push_back(on_path);
  // Duplicates by path only: a virtual environment's python3 is a symlink to the system one,
  // yet imports from its own site-packages, so resolving links would drop it (the GPU
  // machines' PyTorch lives in such an environment).
  std::vector<std::string> candidates;
  for (const auto& c : raw) {
    bool duplicate = false;
    for (const auto& s : candidates) duplicate |= s == c;
    if (!duplicate) candidates.push_back(c);
  }
  return candidates;
}

std::optional<std::string> find_python_with(const std::string& module, std::vector<std::string>* tried) {
  struct Cached {
    std::optional<std::string> found;
    std::vector<std::string> tried;
  };
  static std::map<std::string, Cached> cache;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  auto it = cache.find(module);
  if (it == cache.end()) {
    Cached entry;
    for (const auto& python : python_candidates()) {
      if (access(python.c_str(), X_OK) != 0) {
        entry.tried.push_back(python + ": not found");
        continue;
      }
      ProcessOptions options;
      options.timeout_s = 120;  // importing torch or jax the first time can take a while
      const ProcessResult probe = run_process({python, "-c", "import " + module}, options);
      if (probe.succeeded()) {
        entry.found = python;
        break;
      }
      const std::string why = last_line(probe.stderr_tail);
      entry.tried.push_back(python + ": " + (why.empty() ? probe.describe_failure(options.timeout_s) : why));
    }
    it = cache.emplace(module, std::move(entry)).first;
  }
  if (tried) *tried = it->second.tried;
  return it->second.found;
}

std::string peer_unavailable_reason(const std::string& module, const std::string& script,
                                    std::optional<std::string>& python) {
  if (access(script.c_str(), R_OK) != 0) return script + " not found";
  std::vector<std::string> tried;
  python = find_python_with(module, &tried);
  if (python) return "";
  std::string reason = module + " not installed: no Python here imports it (tried";
  for (size_t i = 0; i < tried.size(); ++i) reason += (i ? ", " : " ") + tried[i].substr(0, tried[i].find(':'));
  return reason + "; GCNBENCH_PYTHON picks another)";
}

}  // namespace gcn
