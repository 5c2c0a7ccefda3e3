#include "backends/memory_footprint.hpp"

namespace gcn {

uint64_t parameter_bytes(const std::vector<int64_t>& widths, bool bias) {
  uint64_t floats = 0;
  for (size_t l = 0; l + 1 < widths.size(); ++l)
    floats += static_cast<uint64_t>(widths[l]) * static_cast<uint64_t>(widths[l + 1]) +
              (bias ? static_cast<uint64_t>(widths[l + 1]) : 0);
  return floats * sizeof(float);
}

}  // namespace gcn
