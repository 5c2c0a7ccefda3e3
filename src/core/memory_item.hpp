// One term of a memory estimate: what is held, how many bytes, and what sets its size (the
// flag or input a user would change to shrink it), so that a refusal can say what to change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gcn {

struct MemoryItem {
  std::string what;    // "dense adjacency (n x n floats)"
  uint64_t bytes = 0;
  std::string driver;  // "--adj dense; use --adj sparse"; empty when no flag shrinks it
};

using MemoryItems = std::vector<MemoryItem>;

inline uint64_t total_bytes(const MemoryItems& items) {
  uint64_t total = 0;
  for (const MemoryItem& item : items) total += item.bytes;
  return total;
}

inline void append(MemoryItems& to, const MemoryItems& from) { to.insert(to.end(), from.begin(), from.end()); }

// Bytes of a CSR matrix as core/csr.hpp stores it: 64-bit row offsets, 32-bit columns, values.
inline uint64_t csr_bytes(int64_t rows, int64_t entries, uint64_t value_bytes = 4) {
  return static_cast<uint64_t>(rows + 1) * 8 + static_cast<uint64_t>(entries) * (4 + value_bytes);
}

}  // namespace gcn
