#include "backends/multigpu/partition.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace gcn::multigpu {

int64_t RowPartition::max_rows() const {
  int64_t most = 0;
  for (int p = 0; p < parts(); ++p) most = std::max(most, rows(p));
  return most;
}

int RowPartition::owner(int64_t node) const {
  // The last offset <= node; among equal offsets (empty ranks) the last one, which owns it.
  const auto it = std::upper_bound(begin.begin(), begin.end() - 1, node);
  return static_cast<int>(it - begin.begin()) - 1;
}

RowPartition partition_rows_by_cost(const std::vector<int64_t>& row_ptr, int parts) {
  if (parts < 1) fail("partition: the number of parts must be at least 1, got " + std::to_string(parts));
  if (row_ptr.empty()) fail("partition: the matrix has no row offsets");
  const int64_t rows = static_cast<int64_t>(row_ptr.size()) - 1;
  const int64_t total = (row_ptr.back() - row_ptr.front()) + rows;
  RowPartition partition;
  partition.begin.assign(static_cast<size_t>(parts) + 1, rows);
  partition.begin[0] = 0;
  // One pass: boundary k is the first row r whose cost prefix (rows < r) reaches k * total / P,
  // compared as prefix * P >= k * total to stay in integers (total * P < 2^63 for any graph here).
  int k = 1;
  int64_t prefix = 0;
  for (int64_t r = 0; r <= rows && k < parts; ++r) {
    while (k < parts && prefix * parts >= static_cast<int64_t>(k) * total)
      partition.begin[static_cast<size_t>(k++)] = r;
    if (r < rows) prefix += row_cost(row_ptr, r);
  }
  return partition;
}

}  // namespace gcn::multigpu
