// What one rank needs to run its rows of A_hat * Z when Z is split by rows across ranks.
//
// Rank p owns global rows [row_begin, row_end). Its rows of A_hat reference columns inside that
// range (local) and outside it (remote: rows of Z held by other ranks). The remote columns it
// references are its halo. The local CSR is renumbered so the SpMM reads one compact buffer:
//
//   buffer row i < num_local          : global row row_begin + i (this rank's own Z rows)
//   buffer row num_local + h          : global row halo_nodes[h]   (received before the SpMM)
//
// halo_nodes is ascending, and blocks are contiguous, so the halo is grouped by owner: the rows
// from rank q are [recv_offset[q], recv_offset[q+1]) of the halo. The send lists are the mirror
// image: send_rows[send_offset[q] .. send_offset[q+1]) are the local rows rank q has in its halo,
// in q's halo order, so a packed send buffer lands in q's halo as is.
//
// Within a row the stored entries keep the global CSR's order (renumbered columns are therefore
// not ascending): the local SpMM then adds the same products in the same order as the global one
// and gives bit-identical rows.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/multigpu/partition.hpp"
#include "core/csr.hpp"

namespace gcn::multigpu {

struct RankPlan {
  int rank = 0, parts = 1;
  int64_t row_begin = 0, row_end = 0;  // owned global rows
  int64_t num_nodes = 0;               // global row count
  RowPartition partition;              // every rank's block (P + 1 offsets)

  Csr<float> adjacency;                 // num_local x (num_local + num_halo), renumbered columns
  Csr<float> adjacency_global_columns;  // the same rows with global column ids (all-gather mode)

  std::vector<int64_t> halo_nodes;   // global ids, ascending
  std::vector<int64_t> recv_offset;  // parts + 1 offsets into halo_nodes, by owner
  std::vector<int32_t> send_rows;    // local row indices, grouped by destination rank
  std::vector<int64_t> send_offset;  // parts + 1 offsets into send_rows, by destination

  // Rows whose entries are all local can be aggregated while the halo is still in flight;
  // boundary rows reference at least one halo row and must wait for it.
  std::vector<int32_t> interior_rows, boundary_rows;

  int64_t num_local() const { return row_end - row_begin; }
  int64_t num_halo() const { return static_cast<int64_t>(halo_nodes.size()); }
  int64_t recv_count(int peer) const {
    return recv_offset[static_cast<size_t>(peer) + 1] - recv_offset[static_cast<size_t>(peer)];
  }
  int64_t send_count(int peer) const {
    return send_offset[static_cast<size_t>(peer) + 1] - send_offset[static_cast<size_t>(peer)];
  }
};

// The plan of one rank, from the global adjacency (every process holds the graph in this
// version; see docs/multi-gpu.md for the per-rank loading a 10^9-edge graph needs). O(nnz).
RankPlan build_rank_plan(const Csr<float>& adjacency, const RowPartition& partition, int rank);

// Rows [begin, end) of `a` as a CSR of their own (columns unchanged).
Csr<float> row_slice(const Csr<float>& a, int64_t begin, int64_t end);

// Every rank's plan (tests and the in-process simulation). O(parts * nnz).
std::vector<RankPlan> build_halo_plans(const Csr<float>& adjacency, const RowPartition& partition);

}  // namespace gcn::multigpu
