// Splits the nodes of a graph into P contiguous row blocks of A_hat, one per rank (GPU).
//
// Contiguous blocks keep every rank's rows, features and activations a plain slice of the
// global arrays (no permutation to carry around), and make "who owns node v" a binary search
// over P+1 offsets.
//
// The blocks are balanced by cost, not by row count. A rank's epoch time is dominated by its
// SpMM, which streams one input row per stored nonzero; with a power-law degree distribution a
// few hub nodes hold a large share of the nonzeros, so equal row counts can give one rank
// several times the work of another. Each row is weighted nnz(row) + 1: the +1 stands for the
// per-row work that does not depend on the degree (the dense H W row, bias, ReLU, dropout, the
// output write), so blocks of empty rows are not free either.
#pragma once

#include <cstdint>
#include <vector>

#include "core/csr.hpp"

namespace gcn::multigpu {

struct RowPartition {
  std::vector<int64_t> begin;  // parts + 1 offsets: rank p owns global rows [begin[p], begin[p+1])

  int parts() const { return static_cast<int>(begin.size()) - 1; }
  int64_t row_begin(int rank) const { return begin[static_cast<size_t>(rank)]; }
  int64_t row_end(int rank) const { return begin[static_cast<size_t>(rank) + 1]; }
  int64_t rows(int rank) const { return row_end(rank) - row_begin(rank); }
  int64_t total_rows() const { return begin.back(); }
  int64_t max_rows() const;
  // The rank owning global row `node` (0 <= node < total_rows()).
  int owner(int64_t node) const;
};

// Cost of one row for balancing (see the header comment).
inline int64_t row_cost(const std::vector<int64_t>& row_ptr, int64_t row) {
  return row_ptr[row + 1] - row_ptr[row] + 1;
}

// Boundaries at the first rows where the cost prefix reaches k/P of the total, so every block's
// cost is below total/P + the largest single row cost. Ranks may get no rows when parts > rows.
// Throws gcn::Error for parts < 1.
RowPartition partition_rows_by_cost(const std::vector<int64_t>& row_ptr, int parts);

template <typename T>
RowPartition partition_rows_by_cost(const Csr<T>& a, int parts) {
  return partition_rows_by_cost(a.row_ptr, parts);
}

}  // namespace gcn::multigpu
