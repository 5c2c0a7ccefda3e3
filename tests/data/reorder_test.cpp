// --reorder (src/data/reorder.cpp): every method gives a permutation, renumbered() moves every
// edge, feature row, label and split entry with its node, each method does what it is for on a
// graph made for it (RCM narrows a shuffled path's bandwidth, community puts each of two
// shuffled cliques in one block, degree sorts), and training on a renumbered graph follows the
// original's loss curve (dropout off: masks are drawn per node index).
#include "data/reorder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/data_test_util.hpp"
#include "data/loaders.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

constexpr Reorder kAll[] = {Reorder::None, Reorder::Degree, Reorder::Rcm, Reorder::Community};

// A graph on n nodes with `edges` (ids as given), one feature row per node naming the node.
Dataset graph_of(int64_t n, const std::vector<std::pair<int32_t, int32_t>>& edges) {
  Dataset d;
  d.name = "g";
  d.num_nodes = n;
  d.num_features = n;
  d.num_classes = 2;
  d.adjacency = adjacency_from_edges(n, edges);
  d.features.rows = n;
  d.features.cols = n;
  d.features.row_ptr.push_back(0);
  for (int64_t i = 0; i < n; ++i) {
    d.features.col.push_back(static_cast<int32_t>(i));
    d.features.val.push_back(static_cast<float>(i) + 0.5f);
    d.features.row_ptr.push_back(i + 1);
  }
  for (int64_t i = 0; i < n; ++i) {
    d.labels.push_back(static_cast<int32_t>(i % 2));
    d.split.push_back(static_cast<Split>(i % 4));
  }
  return d;
}

// A random relabelling of 0..n-1, seeded.
std::vector<int32_t> shuffled_ids(int64_t n, uint64_t seed) {
  std::vector<int32_t> ids(static_cast<size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  Rng rng(seed);
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(i)]);
  return ids;
}

std::set<std::pair<int32_t, int32_t>> edge_set(const Csr<float>& a) {
  std::set<std::pair<int32_t, int32_t>> out;
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) out.insert({static_cast<int32_t>(r), a.col[k]});
  return out;
}

int64_t bandwidth(const Csr<float>& a) {
  int64_t b = 0;
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) b = std::max<int64_t>(b, std::abs(a.col[k] - r));
  return b;
}

TEST(Reorder, EveryMethodRenumbersEveryPartOfTheGraph) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  // A random graph with isolated nodes and several components.
  const int64_t n = 300;
  Rng rng(seed);
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int e = 0; e < 500; ++e)
    edges.emplace_back(static_cast<int32_t>(rng.below(250)), static_cast<int32_t>(rng.below(250)));
  const Dataset original = graph_of(n, edges);
  for (const Reorder how : kAll) {
    SCOPED_TRACE(to_string(how));
    const std::vector<int32_t> order = node_order(original.adjacency, how);
    std::vector<int32_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int32_t> ids(static_cast<size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    ASSERT_EQ(sorted, ids) << "not a permutation";
    const Dataset d = renumbered(original, order);
    validate(d, "renumbered");
    std::vector<int32_t> new_id(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) new_id[order[k]] = static_cast<int32_t>(k);
    std::set<std::pair<int32_t, int32_t>> moved;
    for (const auto& [u, v] : edge_set(original.adjacency)) moved.insert({new_id[u], new_id[v]});
    EXPECT_EQ(edge_set(d.adjacency), moved);
    for (int64_t k = 0; k < n; ++k) {
      ASSERT_EQ(d.features.row_ptr[k + 1] - d.features.row_ptr[k], 1);
      EXPECT_EQ(d.features.val[d.features.row_ptr[k]], static_cast<float>(order[k]) + 0.5f);
      EXPECT_EQ(d.labels[k], original.labels[order[k]]);
      EXPECT_EQ(d.split[k], original.split[order[k]]);
    }
    if (how == Reorder::None) {
      EXPECT_EQ(order, ids);
    }
    if (how == Reorder::Degree) {
      for (int64_t k = 1; k < n; ++k)
        EXPECT_GE(d.adjacency.row_ptr[k] - d.adjacency.row_ptr[k - 1],
                  d.adjacency.row_ptr[k + 1] - d.adjacency.row_ptr[k]);
    }
  }
}

TEST(Reorder, RcmNarrowsAShuffledPathToBandwidthOne) {
  const int64_t n = 400;
  const std::vector<int32_t> id = shuffled_ids(n, 7);
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int64_t i = 0; i + 1 < n; ++i) edges.emplace_back(id[i], id[i + 1]);
  const Dataset shuffled = graph_of(n, edges);
  ASSERT_GT(bandwidth(shuffled.adjacency), 100);
  EXPECT_EQ(bandwidth(renumbered(shuffled, node_order(shuffled.adjacency, Reorder::Rcm)).adjacency), 1);
}

TEST(Reorder, CommunityPutsEachShuffledCliqueInOneBlock) {
  const int64_t n = 60;  // two cliques of 30, one edge between them
  const std::vector<int32_t> id = shuffled_ids(n, 3);
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 30; ++i)
      for (int j = i + 1; j < 30; ++j) edges.emplace_back(id[30 * c + i], id[30 * c + j]);
  edges.emplace_back(id[0], id[30]);
  const Dataset shuffled = graph_of(n, edges);
  const std::vector<int32_t> order = node_order(shuffled.adjacency, Reorder::Community);
  std::vector<int> clique_of(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) clique_of[id[i]] = i < 30 ? 0 : 1;
  for (int64_t k = 1; k < 30; ++k) EXPECT_EQ(clique_of[order[k]], clique_of[order[0]]) << k;
  for (int64_t k = 31; k < n; ++k) EXPECT_EQ(clique_of[order[k]], clique_of[order[30]]) << k;
  EXPECT_NE(clique_of[order[0]], clique_of[order[30]]);
}

TEST(Reorder, ParseNamesTheChoices) {
  for (const Reorder how : kAll) EXPECT_EQ(parse_reorder(to_string(how)), how);
  EXPECT_ERROR_WITH(parse_reorder("metis"), "--reorder", "'metis'", "none, degree, rcm, community");
}

// A permutation changes only the order of sums: the loss curve stays within 1e-5.
TEST(Reorder, TrainingFollowsTheOriginalLossCurve) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const std::vector<std::string> base = {
      "train",     "--backend", "cpu-ref", "--epochs",    "15",
      "--dropout", "0",         "--json",  "--synthetic", "nodes=600,degree=6,features=20,classes=3,seed=5"};
  const auto plain = testing::run_gcnbench(base);
  ASSERT_EQ(plain.result.exit_code, 0) << plain.result.stderr_tail;
  const auto a = testing::json_events(plain.stdout_text, "epoch");
  for (const char* how : {"degree", "rcm", "community"}) {
    SCOPED_TRACE(how);
    auto args = base;
    args.insert(args.end(), {"--reorder", how});
    const auto run = testing::run_gcnbench(args);
    ASSERT_EQ(run.result.exit_code, 0) << run.result.stderr_tail;
    EXPECT_NE(run.result.stderr_tail.find(std::string("renumbered by ") + how), std::string::npos);
    const auto b = testing::json_events(run.stdout_text, "epoch");
    ASSERT_EQ(a.size(), 15u);
    ASSERT_EQ(b.size(), a.size());
    for (size_t e = 0; e < a.size(); ++e)
      for (const char* key : {"train_loss", "val_loss"})
        EXPECT_NEAR(a[e][key].get<double>(), b[e][key].get<double>(), 1e-5) << key << " at epoch " << e;
  }
  auto bad = base;
  bad.insert(bad.end(), {"--reorder", "metis"});
  EXPECT_EQ(testing::run_gcnbench(bad).result.exit_code, 2);
}

// convert --reorder writes the renumbered graph and node_order.txt, which maps it back: node k of
// the written graph is node order[k] of the unrenumbered one, with its label, split and edges.
TEST(Reorder, ConvertWritesTheOrderThatMapsTheGraphBack) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  const testing::TempDir dir;
  const std::string spec = "nodes=500,degree=5,features=12,classes=3,seed=9";
  const std::string plain_dir = dir.path() + "/plain", renumbered_dir = dir.path() + "/rcm";
  ASSERT_EQ(testing::run_gcnbench({"convert", "--synthetic", spec, "--out", plain_dir}).result.exit_code, 0);
  const auto run = testing::run_gcnbench({"convert", "--synthetic", spec, "--out", renumbered_dir, "--reorder", "rcm"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.stderr_tail;
  const Dataset a = load_dataset_path(plain_dir), b = load_dataset_path(renumbered_dir);
  std::vector<int32_t> order;
  {
    std::ifstream in(renumbered_dir + "/" + kNodeOrderFile);
    for (int32_t id; in >> id;) order.push_back(id);
  }
  ASSERT_EQ(static_cast<int64_t>(order.size()), a.num_nodes);
  std::vector<int32_t> new_id(order.size(), -1);
  for (size_t k = 0; k < order.size(); ++k) {
    ASSERT_GE(order[k], 0);
    ASSERT_LT(order[k], a.num_nodes);
    ASSERT_EQ(new_id[order[k]], -1) << "not a permutation";
    new_id[order[k]] = static_cast<int32_t>(k);
    EXPECT_EQ(b.labels[k], a.labels[order[k]]);
    EXPECT_EQ(b.split[k], a.split[order[k]]);
  }
  EXPECT_NE(order[0] + order[1] + order[2], 0 + 1 + 2) << "RCM left a random graph as it was";
  std::set<std::pair<int32_t, int32_t>> moved;
  for (const auto& [u, v] : edge_set(a.adjacency)) moved.insert({new_id[u], new_id[v]});
  EXPECT_EQ(edge_set(b.adjacency), moved);
  // Converting again without --reorder removes the stale order.
  ASSERT_EQ(
      testing::run_gcnbench({"convert", "--synthetic", spec, "--out", renumbered_dir, "--force"}).result.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(renumbered_dir + "/" + kNodeOrderFile));
}

}  // namespace
}  // namespace gcn
