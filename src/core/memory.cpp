#include "core/memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "core/error.hpp"

namespace gcn {

uint64_t physical_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

std::string format_bytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

size_t checked_element_count(int64_t rows, int64_t cols, size_t element_bytes, const std::string& what,
                             const std::string& hint) {
  if (rows < 0 || cols < 0) fail(what + ": negative size " + std::to_string(rows) + " x " + std::to_string(cols));
  if (rows == 0 || cols == 0) return 0;
  const uint64_t max_elements = std::numeric_limits<uint64_t>::max() / element_bytes;
  const auto r = static_cast<uint64_t>(rows);
  const auto c = static_cast<uint64_t>(cols);
  const std::string shape = std::to_string(rows) + " x " + std::to_string(cols);
  if (r > max_elements / c) fail(what + " of " + shape + " elements overflows 64-bit size" + (hint.empty() ? "" : "; " + hint));
  const uint64_t bytes = r * c * element_bytes;
  const uint64_t limit = physical_memory_bytes();
  if (limit != 0 && bytes > limit) {
    fail(what + " of " + shape + " needs " + format_bytes(bytes) + ", more than this machine's " + format_bytes(limit) +
         " of memory" + (hint.empty() ? "" : "; " + hint));
  }
  return static_cast<size_t>(r * c);
}

namespace {

// The value in KiB of a "Key:   123 kB" line of a /proc status-style file, or nullopt.
std::optional<uint64_t> proc_kib_field(const char* path, const char* key) {
  std::ifstream in(path);
  const std::string prefix = std::string(key) + ":";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    uint64_t kib = 0;
    if (fields >> kib) return kib;
  }
  return std::nullopt;
}

// A cgroup v2 file holding one number of bytes ("max" or absent: nullopt).
std::optional<uint64_t> cgroup_bytes(const char* name) {
  std::ifstream in(std::string("/sys/fs/cgroup/") + name);
  uint64_t value = 0;
  if (in >> value) return value;
  return std::nullopt;
}

}  // namespace

uint64_t current_rss_bytes() { return proc_kib_field("/proc/self/status", "VmRSS").value_or(0) * 1024; }

uint64_t available_memory_bytes() {
  const std::optional<uint64_t> available_kib = proc_kib_field("/proc/meminfo", "MemAvailable");
  uint64_t available = available_kib ? *available_kib * 1024 : physical_memory_bytes();
  const std::optional<uint64_t> max = cgroup_bytes("memory.max");
  const std::optional<uint64_t> used = cgroup_bytes("memory.current");
  if (max && used) available = std::min(available, *max > *used ? *max - *used : 0);
  return available;
}

uint64_t peak_rss_bytes() {
  // VmHWM: the high-water mark of this program's own address space. getrusage's ru_maxrss also
  // keeps the peak of the address space the process had before exec, i.e. of the parent it was
  // forked from: every run `gcnbench bench` started then reported at least the bench process's
  // own RSS (159 MB once the parent had loaded the cuda module), whatever the run used.
  if (const std::optional<uint64_t> kib = proc_kib_field("/proc/self/status", "VmHWM")) return *kib * 1024;
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace gcn
