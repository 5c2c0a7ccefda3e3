#include <algorithm>
#include <cstdint>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/csr_build.hpp"
#include "data/loaders.hpp"

namespace gcn {

namespace detail {

void sort_dedupe_rows(Csr<float>& a) {
  int64_t write = 0;
  for (int64_t r = 0; r < a.rows; ++r) {
    const auto begin = a.col.begin() + a.row_ptr[r];
    const auto end = a.col.begin() + a.row_ptr[r + 1];
    std::sort(begin, end);
    const int64_t kept = std::unique(begin, end) - begin;
    if (write != a.row_ptr[r]) std::copy(begin, begin + kept, a.col.begin() + write);  // slides left
    a.row_ptr[r] = write;
    write += kept;
  }
  a.row_ptr[a.rows] = write;
  a.col.resize(static_cast<size_t>(write));
  a.col.shrink_to_fit();
  a.val.assign(static_cast<size_t>(write), 1.0f);
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
