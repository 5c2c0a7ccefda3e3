// Size checks before large allocations, so that a graph too big for this machine gets a clear
// message naming the limit instead of std::bad_alloc or the OOM killer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gcn {

// Physical memory of this machine in bytes (0 if unknown).
uint64_t physical_memory_bytes();

// rows * cols, checked for overflow and against physical memory; throws gcn::Error naming
// `what`, the size asked for and the limit. `hint` is appended (e.g. "use --adj sparse").
size_t checked_element_count(int64_t rows, int64_t cols, size_t element_bytes, const std::string& what,
                             const std::string& hint = "");

// Peak resident set size of this process so far, in bytes (0 if unknown).
uint64_t peak_rss_bytes();
// Resident set size of this process now, in bytes (0 if unknown).
uint64_t current_rss_bytes();
// Memory this process could still take without swapping or hitting its cgroup's limit:
// MemAvailable, capped by the cgroup's memory.max less its memory.current, in bytes (0 if unknown).
uint64_t available_memory_bytes();

std::string format_bytes(uint64_t bytes);

}  // namespace gcn
