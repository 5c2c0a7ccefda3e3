// The communication volume table of docs/multi-gpu.md, and the checks that keep it honest.
//
// The table is printed by a disabled test (it builds graphs of up to 10^6 nodes; too slow for
// every ctest run):
//   build-dist/gcnbench_tests --gtest_also_run_disabled_tests
//     --gtest_filter='CommVolume.DISABLED_PrintTableForSyntheticGraphs'
// The enabled tests check, on small graphs, what the table relies on: the formula's halo and
// all-gather bytes are what a simulated run moves, and the halo never moves more than the
// all-gather.
#include "backends/multigpu/comm_volume.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <utility>
#include <vector>

#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/partition.hpp"
#include "backends/multigpu/simulated_run.hpp"
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::multigpu {
namespace {

// The synthetic generator numbers nodes in random class order, so a row block's neighbours are
// spread over every other block. Renumbering the nodes class by class is what a locality-aware
// partitioner (METIS and the like) would do for this planted-partition graph: most edges then
// stay inside a block. Returns the adjacency pattern with node v renamed new_id[v].
Csr<float> renumbered_by_class(const Dataset& data) {
  std::vector<int32_t> order(static_cast<size_t>(data.num_nodes));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return data.labels[a] < data.labels[b]; });
  std::vector<int32_t> new_id(order.size());
  for (size_t i = 0; i < order.size(); ++i) new_id[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
  std::vector<std::pair<int32_t, int32_t>> edges;
  const Csr<float>& a = data.adjacency;
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k)
      if (r < a.col[k]) edges.emplace_back(new_id[static_cast<size_t>(r)], new_id[static_cast<size_t>(a.col[k])]);
  return adjacency_from_edges(data.num_nodes, edges);
}

VolumeInputs volume_inputs(const Csr<float>& adjacency, int parts, std::vector<int64_t> widths) {
  VolumeInputs in;
  in.num_nodes = adjacency.rows;
  in.parts = parts;
  in.total_halo_rows = total_halo_rows(build_halo_plans(adjacency, partition_rows_by_cost(adjacency, parts)));
  in.widths = std::move(widths);
  return in;
}

SyntheticSpec small_spec(uint64_t seed) {
  SyntheticSpec spec;
  spec.nodes = 600;
  spec.degree = 6;
  spec.features = 32;
  spec.classes = 4;
  spec.feature_density = 0.2;
  spec.seed = seed;
  return spec;
}

TEST(CommVolume, FormulaCountsRowsTimesWidthsTimesPasses) {
  VolumeInputs in;
  in.num_nodes = 1000;
  in.parts = 4;
  in.total_halo_rows = 300;
  in.widths = {50, 16, 7};
  in.eval_forward = true;
  const EpochVolume v = epoch_volume(in);
  EXPECT_DOUBLE_EQ(v.halo_bytes, 4.0 * 300 * (16 + 7) * 3);
  EXPECT_DOUBLE_EQ(v.all_gather_bytes, 4.0 * 3 * 1000 * (16 + 7) * 3);
  EXPECT_DOUBLE_EQ(v.gradient_bytes, 4.0 * (50 * 16 + 16 + 16 * 7 + 7));
  in.eval_forward = false;
  EXPECT_DOUBLE_EQ(epoch_volume(in).halo_bytes, 4.0 * 300 * (16 + 7) * 2);
}

// Every rank's halo is at most the n - n_p rows it does not own, so halo mode never moves more
// than the all-gather, on either numbering of the nodes.
TEST(CommVolume, HaloNeverExceedsAllGather) {
  const Dataset data = generate_synthetic(small_spec(5));
  const Csr<float> by_class = renumbered_by_class(data);
  for (const Csr<float>* adjacency : {&data.adjacency, &by_class}) {
    for (int parts = 1; parts <= 8; ++parts) {
      const EpochVolume v = epoch_volume(volume_inputs(*adjacency, parts, {32, 16, 4}));
      EXPECT_LE(v.halo_bytes, v.all_gather_bytes) << parts << " parts";
    }
  }
}

// The formula against the bytes a simulated run sends, in both modes: halo mode exactly; the
// all-gather as the formula's unpadded volume plus the padding of NCCL's equal blocks (each
// exchange sends (P-1) * P * max_rows rows in all, the formula counts (P-1) * n).
TEST(CommVolume, FormulaMatchesWhatASimulatedRunSends) {
  const Dataset data = generate_synthetic(small_spec(9));
  const Problem problem = make_problem(data, preset_config("kipf"));
  const int parts = 3, epochs = 2;
  const Parameters<float> initial = glorot_parameters(problem.widths(), true, 9);
  const RowPartition partition = partition_rows_by_cost(problem.adjacency, parts);
  VolumeInputs in = volume_inputs(problem.adjacency, parts, problem.widths());
  const EpochVolume v = epoch_volume(in);
  // Each run ends with one eval forward on the test split: one more forward's worth.
  const double exchanged_width = static_cast<double>(in.widths[1] + in.widths[2]);
  const double padded =
      static_cast<double>(parts) * static_cast<double>(partition.max_rows()) / static_cast<double>(in.num_nodes);

  int64_t halo_sent = 0, gather_sent = 0;
  for (const CommStats& s : train_simulated(problem, initial, {parts, ExchangeMode::Halo, epochs, 9}).stats)
    halo_sent += s.point_to_point_bytes;
  for (const CommStats& s : train_simulated(problem, initial, {parts, ExchangeMode::AllGather, epochs, 9}).stats)
    gather_sent += s.gather_bytes;
  EXPECT_DOUBLE_EQ(static_cast<double>(halo_sent),
                   v.halo_bytes * epochs + 4.0 * static_cast<double>(in.total_halo_rows) * exchanged_width);
  const double gather_formula =
      v.all_gather_bytes * epochs + 4.0 * (parts - 1) * static_cast<double>(in.num_nodes) * exchanged_width;
  EXPECT_NEAR(static_cast<double>(gather_sent), gather_formula * padded, 1.0);
  EXPECT_GT(halo_sent, 0);
}

TEST(CommVolume, DISABLED_PrintTableForSyntheticGraphs) {
  std::printf(
      "| nodes | edges | ranks | numbering | halo rows (all ranks) | halo MB/epoch | all-gather MB/epoch | "
      "halo / all-gather | gradient all-reduce KB |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const int64_t nodes : {10000, 100000, 1000000}) {
    SyntheticSpec spec;
    spec.nodes = nodes;
    spec.degree = 10;
    spec.features = 128;
    spec.classes = 8;
    spec.feature_density = 0.05;  // the features do not enter the volume; keep generation quick
    spec.seed = 1;
    const Dataset data = generate_synthetic(spec);
    const Csr<float> by_class = renumbered_by_class(data);
    for (const int parts : {2, 4, 8})
      for (const bool class_order : {false, true}) {
        // Widths of the kipf preset on this graph: 128 features, hidden 16, 8 classes.
        const VolumeInputs in = volume_inputs(class_order ? by_class : data.adjacency, parts, {128, 16, 8});
        const EpochVolume v = epoch_volume(in);
        std::printf("| %lld | %lld | %d | %s | %lld | %.2f | %.2f | %.3f | %.2f |\n", static_cast<long long>(nodes),
                    static_cast<long long>(data.num_undirected_edges()), parts, class_order ? "by class" : "generator",
                    static_cast<long long>(in.total_halo_rows), v.halo_bytes / 1e6, v.all_gather_bytes / 1e6,
                    v.halo_bytes / v.all_gather_bytes, v.gradient_bytes / 1e3);
      }
  }
}

}  // namespace
}  // namespace gcn::multigpu
