// Row partition: every row owned exactly once, blocks balanced by cost (nnz + 1 per row), and
// the reason for balancing by cost: on skewed graphs equal row counts are far from equal work.
#include "backends/multigpu/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "backends/multigpu/multigpu_test_util.hpp"
#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

using testing::fresh_seed;
using testing::random_square_csr;
using testing::RandomMatrixSpec;

int64_t block_cost(const Csr<float>& a, const RowPartition& p, int rank) {
  return a.row_ptr[p.row_end(rank)] - a.row_ptr[p.row_begin(rank)] + p.rows(rank);
}

TEST(Partition, CoversEveryRowExactlyOnce) {
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  for (const int64_t rows : {0, 1, 5, 97}) {
    const Csr<float> a = random_square_csr({.rows = rows, .seed = seed});
    for (int parts = 1; parts <= 9; ++parts) {
      const RowPartition p = partition_rows_by_cost(a, parts);
      ASSERT_EQ(p.parts(), parts);
      EXPECT_EQ(p.begin.front(), 0);
      EXPECT_EQ(p.begin.back(), rows);
      EXPECT_TRUE(std::is_sorted(p.begin.begin(), p.begin.end())) << rows << " rows, " << parts << " parts";
      std::vector<int> owners(static_cast<size_t>(rows), 0);
      for (int r = 0; r < parts; ++r)
        for (int64_t v = p.row_begin(r); v < p.row_end(r); ++v) ++owners[static_cast<size_t>(v)];
      for (int64_t v = 0; v < rows; ++v) {
        EXPECT_EQ(owners[static_cast<size_t>(v)], 1) << "row " << v;
        const int owner = p.owner(v);
        EXPECT_TRUE(p.row_begin(owner) <= v && v < p.row_end(owner)) << "owner(" << v << ") = " << owner;
      }
    }
  }
}

// The bound the greedy prefix split guarantees: every block's cost is below total/P plus the
// largest single row cost (a row cannot be split).
TEST(Partition, BalancesCostWithinOneRow) {
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Csr<float> a =
      random_square_csr({.rows = 400, .density = 0.02, .empty_rows = 0.3, .hub_rows = 0.03, .seed = seed});
  const int64_t total = a.nnz() + a.rows;
  int64_t max_row = 0;
  for (int64_t r = 0; r < a.rows; ++r) max_row = std::max(max_row, a.row_ptr[r + 1] - a.row_ptr[r] + 1);
  for (int parts = 1; parts <= 8; ++parts) {
    const RowPartition p = partition_rows_by_cost(a, parts);
    int64_t sum = 0;
    for (int r = 0; r < parts; ++r) {
      const int64_t cost = block_cost(a, p, r);
      sum += cost;
      EXPECT_LT(static_cast<double>(cost), static_cast<double>(total) / parts + static_cast<double>(max_row))
          << "rank " << r << " of " << parts;
    }
    EXPECT_EQ(sum, total);
  }
}

// Why not equal row counts: when the dense rows cluster (hubs numbered first, as degree-sorted
// orderings do), equal row blocks give one rank most of the nonzeros.
TEST(Partition, CostBalanceBeatsRowBalanceOnSkewedGraphs) {
  Csr<float> a;
  a.rows = a.cols = 1000;
  a.row_ptr.push_back(0);
  for (int64_t r = 0; r < a.rows; ++r) {
    const int64_t degree = r < 50 ? 200 : 2;
    for (int64_t k = 0; k < degree; ++k) {
      a.col.push_back(static_cast<int32_t>((r * 7 + k * 13) % a.rows));
      a.val.push_back(1.0f);
    }
    std::sort(a.col.begin() + a.row_ptr.back(), a.col.end());
    a.row_ptr.push_back(a.nnz());
  }
  const int parts = 4;
  const RowPartition by_cost = partition_rows_by_cost(a, parts);
  RowPartition by_rows;
  for (int r = 0; r <= parts; ++r) by_rows.begin.push_back(a.rows * r / parts);
  int64_t worst_cost = 0, worst_rows = 0;
  for (int r = 0; r < parts; ++r) {
    worst_cost = std::max(worst_cost, block_cost(a, by_cost, r));
    worst_rows = std::max(worst_rows, block_cost(a, by_rows, r));
  }
  const double ideal = static_cast<double>(a.nnz() + a.rows) / parts;
  EXPECT_LT(worst_cost, ideal * 1.1);
  EXPECT_GT(worst_rows, ideal * 2);
}

TEST(Partition, RejectsZeroParts) {
  const Csr<float> a = random_square_csr({.rows = 5});
  EXPECT_THROW(partition_rows_by_cost(a, 0), Error);
}

}  // namespace
}  // namespace gcn::multigpu
