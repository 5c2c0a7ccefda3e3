#include "core/install_layout.hpp"

#include <cstdlib>
#include <system_error>

#include "core/error.hpp"
#include "core/self_path.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

fs::path binary_dir() {
  try {
    return self_executable().parent_path();
  } catch (const Error&) {
    return {};
  }
}

const char* non_empty_env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

// The per-user data folder (XDG base directory specification).
fs::path user_data_dir() {
  if (const char* xdg = non_empty_env("XDG_DATA_HOME")) return fs::path(xdg) / "gcnbench";
  if (const char* home = non_empty_env("HOME")) return fs::path(home) / ".local" / "share" / "gcnbench";
  return fs::path(".gcnbench-data");
}

}  // namespace

std::vector<fs::path> home_candidates() {
  std::vector<fs::path> out;
  const fs::path bin = binary_dir();
  if (!bin.empty()) {
    out.push_back(bin.parent_path() / "share" / "gcnbench");  // installed: P/bin/..
    out.push_back(bin / "share" / "gcnbench");                // a build tree
  }
  if (const char* home = non_empty_env("GCNBENCH_HOME")) out.emplace_back(home);
  return out;
}

fs::path shipped_path(const std::string& name) {
  const std::vector<fs::path> candidates = home_candidates();
  for (const fs::path& dir : candidates)
    if (path_exists(dir / name)) return dir / name;
  return candidates.empty() ? fs::path(name) : candidates.front() / name;
}

fs::path cuda_module_path(const std::string& file_name) {
  const fs::path bin = binary_dir();
  if (bin.empty()) return file_name;  // then the dynamic loader's own search path
  const fs::path installed = bin.parent_path() / "lib" / "gcnbench" / file_name;
  if (!path_exists(bin / file_name) && path_exists(installed)) return installed;
  return bin / file_name;
}

fs::path default_data_dir() {
  if (const char* env = non_empty_env("GCNBENCH_DATA")) return env;
  for (const fs::path& dir : home_candidates())
    if (path_exists(dir / "data")) return dir / "data";
  return user_data_dir();
}

std::string default_data_dir_origin() {
  if (non_empty_env("GCNBENCH_DATA")) return "GCNBENCH_DATA";
  for (const fs::path& dir : home_candidates())
    if (path_exists(dir / "data")) return "the data folder beside gcnbench";
  return "the per-user folder";
}

}  // namespace gcn
