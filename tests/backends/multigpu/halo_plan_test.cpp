// Halo plan: the halo is exactly the referenced remote columns, grouped by owner; send lists
// mirror the peers' halos; the renumbered local SpMM gives the global SpMM's rows bit for bit.
#include "backends/multigpu/halo_plan.hpp"

#include <gtest/gtest.h>

#include <set>

#include "backends/cpu_ref/ops.hpp"
#include "backends/multigpu/comm_volume.hpp"
#include "backends/multigpu/local_kernels.hpp"
#include "backends/multigpu/multigpu_test_util.hpp"
#include "core/rng.hpp"

namespace gcn::multigpu {
namespace {

using testing::fresh_seed;
using testing::random_square_csr;

class HaloPlanTest : public ::testing::TestWithParam<int> {};

TEST_P(HaloPlanTest, HaloIsExactlyTheReferencedRemoteColumnsGroupedByOwner) {
  const int parts = GetParam();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Csr<float> a = random_square_csr({.rows = 120, .density = 0.05, .seed = seed});
  const RowPartition partition = partition_rows_by_cost(a, parts);
  const std::vector<RankPlan> plans = build_halo_plans(a, partition);
  for (const RankPlan& plan : plans) {
    std::set<int64_t> remote;
    for (int64_t k = a.row_ptr[plan.row_begin]; k < a.row_ptr[plan.row_end]; ++k)
      if (a.col[k] < plan.row_begin || a.col[k] >= plan.row_end) remote.insert(a.col[k]);
    EXPECT_EQ(std::vector<int64_t>(remote.begin(), remote.end()), plan.halo_nodes) << "rank " << plan.rank;
    ASSERT_EQ(plan.recv_offset.size(), static_cast<size_t>(parts) + 1);
    EXPECT_EQ(plan.recv_offset.back(), plan.num_halo());
    for (int q = 0; q < parts; ++q)
      for (int64_t h = plan.recv_offset[q]; h < plan.recv_offset[q + 1]; ++h)
        EXPECT_EQ(partition.owner(plan.halo_nodes[static_cast<size_t>(h)]), q) << "rank " << plan.rank << " halo " << h;
    EXPECT_EQ(plan.recv_count(plan.rank), 0);
    EXPECT_EQ(plan.send_count(plan.rank), 0);
  }
}

TEST_P(HaloPlanTest, SendListsMirrorThePeersHalos) {
  const int parts = GetParam();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Csr<float> a = random_square_csr({.rows = 90, .density = 0.04, .seed = seed});
  const std::vector<RankPlan> plans = build_halo_plans(a, partition_rows_by_cost(a, parts));
  for (const RankPlan& sender : plans)
    for (const RankPlan& receiver : plans) {
      if (sender.rank == receiver.rank) continue;
      std::vector<int64_t> sent;
      for (int64_t i = sender.send_offset[receiver.rank]; i < sender.send_offset[receiver.rank + 1]; ++i)
        sent.push_back(sender.row_begin + sender.send_rows[static_cast<size_t>(i)]);
      const auto first = receiver.halo_nodes.begin() + receiver.recv_offset[sender.rank];
      const auto last = receiver.halo_nodes.begin() + receiver.recv_offset[sender.rank + 1];
      EXPECT_EQ(sent, std::vector<int64_t>(first, last)) << sender.rank << " -> " << receiver.rank;
    }
}

// Every rank's renumbered SpMM on [own rows | halo rows] equals its rows of the global SpMM,
// exactly: same products, same order. Forward in one call and split into interior and boundary
// rows (the overlapped order), and the transposed product's local and halo parts.
TEST_P(HaloPlanTest, RenumberedLocalSpmmEqualsTheGlobalRows) {
  const int parts = GetParam();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  const Csr<float> a = random_square_csr({.rows = 110, .density = 0.06, .seed = seed});
  const int64_t width = 5;
  Rng rng(seed + 17);
  std::vector<float> z(static_cast<size_t>(a.rows * width));
  for (auto& x : z) x = static_cast<float>(rng.uniform(-1, 1));
  std::vector<float> global(z.size()), global_t(z.size());
  ref::spmm(a, z.data(), width, global.data());
  ref::spmm_transposed(a, z.data(), width, global_t.data());

  for (const RankPlan& plan : build_halo_plans(a, partition_rows_by_cost(a, parts))) {
    const int64_t n = plan.num_local(), h = plan.num_halo();
    std::vector<float> buffer(static_cast<size_t>((n + h) * width));
    std::copy_n(z.data() + plan.row_begin * width, n * width, buffer.data());
    for (int64_t i = 0; i < h; ++i)
      std::copy_n(z.data() + plan.halo_nodes[static_cast<size_t>(i)] * width, width, buffer.data() + (n + i) * width);
    std::vector<float> local(static_cast<size_t>(n * width), -7.0f), split(local);
    ref::spmm(plan.adjacency, buffer.data(), width, local.data());
    spmm_rows(plan.adjacency, plan.interior_rows, buffer.data(), width, split.data());
    spmm_rows(plan.adjacency, plan.boundary_rows, buffer.data(), width, split.data());
    for (int64_t i = 0; i < n * width; ++i) {
      EXPECT_EQ(local[static_cast<size_t>(i)], global[static_cast<size_t>(plan.row_begin * width + i)])
          << "rank " << plan.rank;
      EXPECT_EQ(split[static_cast<size_t>(i)], local[static_cast<size_t>(i)]) << "rank " << plan.rank;
    }
    EXPECT_EQ(plan.interior_rows.size() + plan.boundary_rows.size(), static_cast<size_t>(n));
    for (const int32_t r : plan.interior_rows)
      for (int64_t k = plan.adjacency.row_ptr[r]; k < plan.adjacency.row_ptr[r + 1]; ++k)
        EXPECT_LT(plan.adjacency.col[k], n);

    // Transposed: the local part over all local rows plus the halo part over boundary rows are
    // exactly the full local transposed product.
    std::vector<float> full(static_cast<size_t>((n + h) * width)), parts_t(full.size());
    const float* g = z.data() + plan.row_begin * width;  // any per-row input will do
    ref::spmm_transposed(plan.adjacency, g, width, full.data());
    std::vector<int32_t> all_rows;
    for (int32_t r = 0; r < n; ++r) all_rows.push_back(r);
    spmm_transposed_columns(plan.adjacency, all_rows, g, width, 0, n, parts_t.data());
    spmm_transposed_columns(plan.adjacency, plan.boundary_rows, g, width, n, n + h, parts_t.data() + n * width);
    EXPECT_EQ(parts_t, full) << "rank " << plan.rank;
  }
}

INSTANTIATE_TEST_SUITE_P(Ranks, HaloPlanTest, ::testing::Values(1, 2, 3, 4, 7));

// Disconnected blocks: a rank whose rows reference no other rank has an empty halo, sends
// nothing, and every one of its rows is interior.
TEST(HaloPlan, RankWithoutRemoteEdgesExchangesNothing) {
  Csr<float> a;
  a.rows = a.cols = 8;
  a.row_ptr = {0};
  // Rows 0-3 reference each other; rows 4-7 only themselves and each other.
  const std::vector<std::vector<int32_t>> rows = {{0, 1, 4}, {0, 1}, {2, 3}, {2, 3}, {4, 5}, {4, 5}, {6, 7}, {6, 7}};
  for (const auto& r : rows) {
    for (const int32_t c : r) {
      a.col.push_back(c);
      a.val.push_back(1.0f);
    }
    a.row_ptr.push_back(a.nnz());
  }
  RowPartition partition;
  partition.begin = {0, 4, 8};
  const std::vector<RankPlan> plans = build_halo_plans(a, partition);
  EXPECT_EQ(plans[0].halo_nodes, std::vector<int64_t>{4});
  EXPECT_EQ(plans[1].num_halo(), 0);
  EXPECT_EQ(plans[1].boundary_rows.size(), 0u);
  EXPECT_EQ(plans[1].send_rows, std::vector<int32_t>{0});  // node 4, referenced by rank 0's row 0
  EXPECT_EQ(plans[0].send_rows.size(), 0u);
  EXPECT_EQ(total_halo_rows(plans), 1);
}

}  // namespace
}  // namespace gcn::multigpu
