#include "data/reorder.hpp"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/cuthill_mckee_ordering.hpp>
#include <iterator>
#include <numeric>
#include <utility>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

// 32-bit node ids and 64-bit edge offsets, as core/csr.hpp: Boost's copy of the graph takes
// 4 bytes per stored entry.
using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, uint32_t, uint64_t>;

// The entries of a CSR as (row, column) pairs in row order, as Boost's CSR graph reads them.
class EdgeIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = std::pair<int64_t, int64_t>;
  using difference_type = std::ptrdiff_t;
  using pointer = const value_type*;
  using reference = value_type;

  EdgeIterator(const Csr<float>& a, int64_t k) : a_(&a), k_(k), row_(0) { settle(); }
  value_type operator*() const { return {row_, a_->col[static_cast<size_t>(k_)]}; }
  pointer operator->() {
    current_ = **this;
    return &current_;
  }
  EdgeIterator& operator++() {
    ++k_;
    settle();
    return *this;
  }
  EdgeIterator operator++(int) {
    EdgeIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const EdgeIterator& o) const { return k_ == o.k_; }
  bool operator!=(const EdgeIterator& o) const { return k_ != o.k_; }

 private:
  void settle() {
    while (row_ < a_->rows && a_->row_ptr[row_ + 1] <= k_) ++row_;
  }
  const Csr<float>* a_;
  int64_t k_;
  int64_t row_;
  value_type current_;
};

std::vector<int32_t> identity(int64_t n) {
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  return order;
}

std::vector<int32_t> degree_order(const Csr<float>& a) {
  std::vector<int32_t> order = identity(a.rows);
  const auto degree = [&](int32_t i) { return a.row_ptr[i + 1] - a.row_ptr[i]; };
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return degree(x) > degree(y); });
  return order;
}

std::vector<int32_t> rcm_order(const Csr<float>& a) {
  const Graph g(boost::edges_are_sorted, EdgeIterator(a, 0), EdgeIterator(a, a.nnz()),
                static_cast<Graph::vertices_size_type>(a.rows), static_cast<Graph::edges_size_type>(a.nnz()));
  std::vector<Graph::vertex_descriptor> cm(static_cast<size_t>(a.rows));
  // Boost writes the Cuthill-McKee order (every component, each from a pseudo-peripheral node
  // of least degree); written backwards it is the reverse one.
  boost::cuthill_mckee_ordering(g, cm.rbegin());
  std::vector<int32_t> order(cm.size());
  for (size_t k = 0; k < cm.size(); ++k) order[k] = static_cast<int32_t>(cm[k]);
  return order;
}

// Synchronous label propagation: every node takes the label most common among its neighbours
// (its own counts once, which keeps ties and isolated nodes stable; ties go to the smallest
// label), all nodes at once from the previous round's labels, so any thread count gives the
// same labels.
std::vector<int32_t> community_order(const Csr<float>& a) {
  const int64_t n = a.rows;
  std::vector<int32_t> label = identity(n), next(static_cast<size_t>(n));
  for (int round = 0; round < kCommunityRounds; ++round) {
    int64_t changed = 0;
#pragma omp parallel reduction(+ : changed)
    {
      std::vector<int32_t> seen;
#pragma omp for schedule(dynamic, 4096)
      for (int64_t i = 0; i < n; ++i) {
        seen.assign(1, label[i]);
        for (int64_t k = a.row_ptr[i]; k < a.row_ptr[i + 1]; ++k) seen.push_back(label[a.col[k]]);
        std::sort(seen.begin(), seen.end());
        int32_t best = label[i];
        int64_t best_count = 0;
        for (size_t s = 0; s < seen.size();) {
          size_t e = s;
          while (e < seen.size() && seen[e] == seen[s]) ++e;
          if (static_cast<int64_t>(e - s) > best_count) {
            best_count = static_cast<int64_t>(e - s);
            best = seen[s];
          }
          s = e;
        }
        next[i] = best;
        changed += best != label[i];
      }
    }
    label.swap(next);
    if (changed * 1000 <= n) break;  // fewer than 0.1% moved: the communities have settled
  }
  // Communities in order of their smallest node, nodes by id within each.
  std::vector<int32_t> first(static_cast<size_t>(n), INT32_MAX);
  for (int64_t i = 0; i < n; ++i) first[label[i]] = std::min(first[label[i]], static_cast<int32_t>(i));
  std::vector<int32_t> order = identity(n);
  std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return first[label[x]] < first[label[y]]; });
  return order;
}

// Rows of `m` in the new order; columns renamed by `new_id` too when `rename_columns`.
Csr<float> permuted_rows(const Csr<float>& m, const std::vector<int32_t>& order, const std::vector<int32_t>* new_id) {
  Csr<float> out;
  out.rows = m.rows;
  out.cols = m.cols;
  out.row_ptr.assign(static_cast<size_t>(m.rows) + 1, 0);
  for (int64_t r = 0; r < m.rows; ++r)
    out.row_ptr[r + 1] = out.row_ptr[r] + (m.row_ptr[order[r] + 1] - m.row_ptr[order[r]]);
  out.col.resize(m.col.size());
  out.val.resize(m.val.size());
#pragma omp parallel for schedule(dynamic, 4096)
  for (int64_t r = 0; r < m.rows; ++r) {
    const int64_t from = m.row_ptr[order[r]], count = m.row_ptr[order[r] + 1] - from, to = out.row_ptr[r];
    if (!new_id) {
      std::copy_n(m.col.begin() + from, count, out.col.begin() + to);
      std::copy_n(m.val.begin() + from, count, out.val.begin() + to);
      continue;
    }
    std::vector<std::pair<int32_t, float>> row(static_cast<size_t>(count));
    for (int64_t k = 0; k < count; ++k) row[k] = {(*new_id)[m.col[from + k]], m.val[from + k]};
    std::sort(row.begin(), row.end());
    for (int64_t k = 0; k < count; ++k) std::tie(out.col[to + k], out.val[to + k]) = row[k];
  }
  return out;
}

}  // namespace

Reorder parse_reorder(const std::string& text) {
  for (const Reorder how : {Reorder::None, Reorder::Degree, Reorder::Rcm, Reorder::Community})
    if (text == to_string(how)) return how;
  fail("--reorder: '" + text + "' is none of none, degree, rcm, community");
}

const char* to_string(Reorder how) {
  switch (how) {
    case Reorder::Degree:
      return "degree";
    case Reorder::Rcm:
      return "rcm";
    case Reorder::Community:
      return "community";
    default:
      return "none";
  }
}

std::vector<int32_t> node_order(const Csr<float>& adjacency, Reorder how) {
  switch (how) {
    case Reorder::Degree:
      return degree_order(adjacency);
    case Reorder::Rcm:
      return rcm_order(adjacency);
    case Reorder::Community:
      return community_order(adjacency);
    default:
      return identity(adjacency.rows);
  }
}

Dataset renumbered(Dataset data, const std::vector<int32_t>& order) {
  const int64_t n = data.num_nodes;
  if (static_cast<int64_t>(order.size()) != n)
    fail("renumbered: the order has " + std::to_string(order.size()) + " nodes, the graph " + std::to_string(n));
  std::vector<int32_t> new_id(static_cast<size_t>(n), -1);
  for (int64_t k = 0; k < n; ++k) {
    if (order[k] < 0 || order[k] >= n || new_id[order[k]] != -1) fail("renumbered: the order is not a permutation");
    new_id[order[k]] = static_cast<int32_t>(k);
  }
  // One matrix at a time, each old copy freed before the next is built: the peak is one matrix
  // more than the graph, not a second graph.
  data.adjacency = permuted_rows(data.adjacency, order, &new_id);
  data.features = permuted_rows(data.features, order, nullptr);
  const std::vector<int32_t> labels = data.labels;
  const std::vector<Split> split = data.split;
  for (int64_t k = 0; k < n; ++k) {
    data.labels[k] = labels[order[k]];
    data.split[k] = split[order[k]];
  }
  return data;
}

MemoryItems renumbering_memory(const GraphShape& shape, Reorder how, const std::string& source) {
  if (how == Reorder::None) return {};
  const auto n = static_cast<uint64_t>(shape.nodes);
  const std::string driver = std::string("--reorder ") + to_string(how) + "; --reorder none skips it (" + source + ")";
  // Ordering: Boost's copy of the graph, its order, colours and queue (rcm); labels, the next
  // round's labels, each community's first node and the order (community); the order and the
  // stable sort's buffer (degree).
  const uint64_t ordering = how == Reorder::Rcm         ? csr_bytes(shape.nodes, shape.adjacency_entries, 0) + n * 16
                            : how == Reorder::Community ? n * 20
                                                        : n * 8;
  // Renumbering: one matrix rebuilt at a time beside the old one, the inverse order and the old
  // labels and split.
  const uint64_t rebuilding =
      std::max(csr_bytes(shape.nodes, shape.adjacency_entries), csr_bytes(shape.nodes, shape.feature_entries)) + n * 13;
  if (ordering > rebuilding)
    return {{std::string("the ") + to_string(how) + " order as it is computed", ordering, driver}};
  return {{"a matrix renumbered beside the original, and the inverse order", rebuilding, driver}};
}

void write_node_order(const std::vector<int32_t>& order, const std::string& path) {
  std::string text;
  text.reserve(order.size() * 8);
  for (const int32_t id : order) text += std::to_string(id) + '\n';
  write_file_atomically(path, text);
}

}  // namespace gcn
