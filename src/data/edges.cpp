#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/csr_build.hpp"
#include "data/loaders.hpp"

namespace gcn {

namespace detail {

void sort_dedupe_rows(Csr<float>& a) {
  // Rows are sorted on all cores; each row's result does not depend on the thread count.
  std::vector<int64_t> kept(static_cast<size_t>(a.rows) + 1, 0);
#pragma omp parallel for schedule(dynamic, 4096)
  for (int64_t r = 0; r < a.rows; ++r) {
    const auto begin = a.col.begin() + a.row_ptr[r];
    const auto end = a.col.begin() + a.row_ptr[r + 1];
    std::sort(begin, end);
    kept[r + 1] = std::unique(begin, end) - begin;
  }
  for (int64_t r = 0; r < a.rows; ++r) kept[r + 1] += kept[r];
  if (kept[a.rows] != a.row_ptr[a.rows]) {
    // Repeats were dropped: close the gaps into a new array (a row's new place can overlap an
    // earlier row's old one, so in place it would need one thread). Both arrays live at once, as
    // col and val do afterwards.
    std::vector<int32_t> col(static_cast<size_t>(kept[a.rows]));
#pragma omp parallel for schedule(dynamic, 4096)
    for (int64_t r = 0; r < a.rows; ++r)
      std::copy(a.col.begin() + a.row_ptr[r], a.col.begin() + a.row_ptr[r] + (kept[r + 1] - kept[r]),
                col.begin() + kept[r]);
    a.col = std::move(col);
  }
  a.row_ptr = std::move(kept);
  a.val.assign(a.col.size(), 1.0f);
}

}  // namespace detail

// Counting sort by row (degrees, prefix sum, scatter), then sort and deduplicate each row in
// place: O(E + sum of d log d) time, and no memory beyond the result and the edge list.
Csr<float> adjacency_from_edges(int64_t num_nodes, const std::vector<std::pair<int32_t, int32_t>>& edges) {
  if (num_nodes < 0 || num_nodes > INT32_MAX) fail("adjacency_from_edges: bad node count " + std::to_string(num_nodes));
  Csr<float> a;
  a.rows = a.cols = num_nodes;
  a.row_ptr.assign(checked_element_count(num_nodes + 1, 1, sizeof(int64_t), "adjacency row offsets"), 0);
  for (const auto& [u, v] : edges) {
    if (u < 0 || v < 0 || u >= num_nodes || v >= num_nodes)
      fail("adjacency_from_edges: edge (" + std::to_string(u) + ", " + std::to_string(v) + ") outside 0.." +
           std::to_string(num_nodes - 1));
    if (u == v) continue;
    ++a.row_ptr[static_cast<size_t>(u) + 1];
    ++a.row_ptr[static_cast<size_t>(v) + 1];
  }
  for (int64_t i = 0; i < num_nodes; ++i) a.row_ptr[i + 1] += a.row_ptr[i];
  a.col.resize(static_cast<size_t>(a.row_ptr[num_nodes]));
  std::vector<int64_t> next(a.row_ptr.begin(), a.row_ptr.end() - 1);
  for (const auto& [u, v] : edges) {
    if (u == v) continue;
    a.col[static_cast<size_t>(next[u]++)] = v;
    a.col[static_cast<size_t>(next[v]++)] = u;
  }
  next = {};
  detail::sort_dedupe_rows(a);
  return a;
}

}  // namespace gcn
