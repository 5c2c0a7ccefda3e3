#include "backends/multigpu/halo_plan.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

// Sorted distinct columns of rows [begin, end) of `a` that fall inside [lo, hi) (inside == true)
// or outside it (inside == false).
std::vector<int64_t> referenced_columns(const Csr<float>& a, int64_t begin, int64_t end, int64_t lo, int64_t hi,
                                        bool inside) {
  std::vector<int64_t> cols;
  for (int64_t k = a.row_ptr[begin]; k < a.row_ptr[end]; ++k) {
    const int64_t c = a.col[k];
    if ((c >= lo && c < hi) == inside) cols.push_back(c);
  }
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  return cols;
}

}  // namespace

Csr<float> row_slice(const Csr<float>& a, int64_t begin, int64_t end) {
  Csr<float> s;
  s.rows = end - begin;
  s.cols = a.cols;
  s.row_ptr.reserve(static_cast<size_t>(s.rows) + 1);
  for (int64_t r = begin; r <= end; ++r) s.row_ptr.push_back(a.row_ptr[r] - a.row_ptr[begin]);
  s.col.assign(a.col.begin() + a.row_ptr[begin], a.col.begin() + a.row_ptr[end]);
  s.val.assign(a.val.begin() + a.row_ptr[begin], a.val.begin() + a.row_ptr[end]);
  return s;
}

RankPlan build_rank_plan(const Csr<float>& adjacency, const RowPartition& partition, int rank) {
  if (adjacency.rows != adjacency.cols)
    fail("halo plan: the adjacency must be square, got " + std::to_string(adjacency.rows) + " x " +
         std::to_string(adjacency.cols));
  if (partition.total_rows() != adjacency.rows)
    fail("halo plan: the partition covers " + std::to_string(partition.total_rows()) + " rows, the adjacency has " +
         std::to_string(adjacency.rows));
  if (rank < 0 || rank >= partition.parts())
    fail("halo plan: rank " + std::to_string(rank) + " out of range for " + std::to_string(partition.parts()) +
         " parts");

  RankPlan plan;
  plan.rank = rank;
  plan.parts = partition.parts();
  plan.row_begin = partition.row_begin(rank);
  plan.row_end = partition.row_end(rank);
  plan.num_nodes = adjacency.rows;
  plan.partition = partition;
  const int64_t lo = plan.row_begin, hi = plan.row_end, num_local = plan.num_local();

  // Receive side: the remote columns of our rows, grouped by owner (ascending ids do that).
  plan.halo_nodes = referenced_columns(adjacency, lo, hi, lo, hi, false);
  plan.recv_offset.assign(static_cast<size_t>(plan.parts) + 1, 0);
  for (const int64_t node : plan.halo_nodes) ++plan.recv_offset[static_cast<size_t>(partition.owner(node)) + 1];
  for (int q = 0; q < plan.parts; ++q) plan.recv_offset[q + 1] += plan.recv_offset[q];

  // Send side: for every other rank q, our rows that q's rows reference, ascending, which is
  // exactly the order of q's halo segment from us.
  plan.send_offset.assign(static_cast<size_t>(plan.parts) + 1, 0);
  for (int q = 0; q < plan.parts; ++q) {
    if (q != rank) {
      for (const int64_t node :
           referenced_columns(adjacency, partition.row_begin(q), partition.row_end(q), lo, hi, true))
        plan.send_rows.push_back(static_cast<int32_t>(node - lo));
    }
    plan.send_offset[q + 1] = static_cast<int64_t>(plan.send_rows.size());
  }

  // Local CSR: own columns first, halo columns after them; entry order within a row unchanged.
  plan.adjacency_global_columns = row_slice(adjacency, lo, hi);
  plan.adjacency = plan.adjacency_global_columns;
  plan.adjacency.cols = num_local + plan.num_halo();
  for (int64_t r = 0; r < num_local; ++r) {
    bool boundary = false;
    for (int64_t k = plan.adjacency.row_ptr[r]; k < plan.adjacency.row_ptr[r + 1]; ++k) {
      const int64_t c = plan.adjacency.col[k];
      if (c >= lo && c < hi) {
        plan.adjacency.col[k] = static_cast<int32_t>(c - lo);
      } else {
        const auto h = std::lower_bound(plan.halo_nodes.begin(), plan.halo_nodes.end(), c) - plan.halo_nodes.begin();
        plan.adjacency.col[k] = static_cast<int32_t>(num_local + h);
        boundary = true;
      }
    }
    (boundary ? plan.boundary_rows : plan.interior_rows).push_back(static_cast<int32_t>(r));
  }
  return plan;
}

std::vector<RankPlan> build_halo_plans(const Csr<float>& adjacency, const RowPartition& partition) {
  std::vector<RankPlan> plans;
  plans.reserve(static_cast<size_t>(partition.parts()));
  for (int p = 0; p < partition.parts(); ++p) plans.push_back(build_rank_plan(adjacency, partition, p));
  return plans;
}

}  // namespace gcn::multigpu
