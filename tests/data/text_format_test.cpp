// The plain-text loader on the shared Cora and Citeseer files (the counts table of
// ../shared/data/README.md) and on small hand-written datasets, binary and weighted.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "data/loaders.hpp"
#include "data_test_util.hpp"
#include "model/config.hpp"
#include "model/problem.hpp"

namespace gcn {
namespace {

using testing::shared_data_dir;
using testing::TempDir;

struct ExpectedCounts {
  int64_t nodes, features, classes, edges, train, val, test, none, nnz_features, empty_feature_rows, unlabelled,
      isolated;
  std::vector<int64_t> class_sizes;
};

void expect_counts(const Dataset& d, const ExpectedCounts& e) {
  EXPECT_EQ(d.num_nodes, e.nodes);
  EXPECT_EQ(d.num_features, e.features);
  EXPECT_EQ(d.num_classes, e.classes);
  EXPECT_EQ(d.num_undirected_edges(), e.edges);
  EXPECT_EQ(d.adjacency.nnz(), 2 * e.edges);
  EXPECT_EQ(d.count(Split::Train), e.train);
  EXPECT_EQ(d.count(Split::Val), e.val);
  EXPECT_EQ(d.count(Split::Test), e.test);
  EXPECT_EQ(d.count(Split::None), e.none);
  EXPECT_EQ(d.features.nnz(), e.nnz_features);
  int64_t empty_rows = 0, isolated = 0;
  for (int64_t i = 0; i < d.num_nodes; ++i) {
    empty_rows += d.features.row_ptr[i] == d.features.row_ptr[i + 1];
    isolated += d.adjacency.row_ptr[i] == d.adjacency.row_ptr[i + 1];
  }
  EXPECT_EQ(empty_rows, e.empty_feature_rows);
  EXPECT_EQ(isolated, e.isolated);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), -1), e.unlabelled);
  std::vector<int64_t> sizes(static_cast<size_t>(d.num_classes), 0);
  for (int32_t label : d.labels)
    if (label >= 0) ++sizes[label];
  EXPECT_EQ(sizes, e.class_sizes);
  for (float v : d.features.val) ASSERT_EQ(v, 1.0f);
  for (float v : d.adjacency.val) ASSERT_EQ(v, 1.0f);
  // Planetoid split: train = 0..T-1, val = T..T+499.
  for (int64_t i = 0; i < e.train + e.val; ++i) ASSERT_EQ(d.split[i], i < e.train ? Split::Train : Split::Val) << i;
}

TEST(DataTextFormat, CoraMatchesReadmeCounts) {
  const std::string dir = shared_data_dir("cora");
  if (dir.empty()) GTEST_SKIP() << "no shared cora (set GCNBENCH_SHARED_DATA or put it in ../shared/data)";
  const auto start = std::chrono::steady_clock::now();
  const Dataset d = load_text_dataset(dir);
  const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ::testing::Test::RecordProperty("cora_load_ms", std::to_string(load_ms));
  EXPECT_EQ(d.name, "cora");
  expect_counts(d, {2708, 1433, 7, 5278, 140, 500, 1000, 1068, 49216, 0, 0, 0, {351, 217, 418, 818, 426, 298, 180}});
  // First lines of the files: node 0 has features 19 81 ... and label 3; edge 0 633.
  EXPECT_EQ(d.labels[0], 3);
  EXPECT_EQ(d.features.col[0], 19);
  EXPECT_EQ(d.adjacency.col[d.adjacency.row_ptr[0]], 633);
}

TEST(DataTextFormat, CiteseerMatchesReadmeCounts) {
  const std::string dir = shared_data_dir("citeseer");
  if (dir.empty()) GTEST_SKIP() << "no shared citeseer (set GCNBENCH_SHARED_DATA or put it in ../shared/data)";
  const Dataset d = load_text_dataset(dir + "/");  // a trailing slash must not change the name
  EXPECT_EQ(d.name, "citeseer");
  expect_counts(d, {3327, 3703, 6, 4552, 120, 500, 1000, 1707, 105165, 15, 15, 48, {249, 590, 668, 701, 596, 508}});
  const std::vector<int64_t> featureless = {2407, 2489, 2553, 2682, 2781, 2953, 3042, 3063,
                                            3212, 3214, 3250, 3292, 3305, 3306, 3309};
  for (int64_t i : featureless) {
    EXPECT_EQ(d.labels[i], -1) << i;
    EXPECT_EQ(d.split[i], Split::None) << i;
    EXPECT_EQ(d.features.row_ptr[i], d.features.row_ptr[i + 1]) << i;
  }
}

// 5 nodes, 2 classes; edges given out of order (allowed), one featureless node.
void write_small(const TempDir& dir) {
  dir.write("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\n");
  dir.write("edges.txt", "1 2\n0 1\n3 4\n0 4\n");
  dir.write("features.txt", "0 3\n1\n\n0 1 2 3\n2\n");
  dir.write("labels.txt", "0\n1\n-1\n1\n0\n");
  dir.write("split.txt", "train\ntrain\nnone\nval\ntest\n");
}

TEST(DataTextFormat, SmallDatasetExactContents) {
  TempDir dir;
  write_small(dir);
  const Dataset d = load_text_dataset(dir.path());
  EXPECT_EQ(d.num_nodes, 5);
  EXPECT_EQ(d.adjacency.row_ptr, (std::vector<int64_t>{0, 2, 4, 5, 6, 8}));
  EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 4, 0, 2, 1, 4, 0, 3}));
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 3, 3, 7, 8}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 3, 1, 0, 1, 2, 3, 2}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, -1, 1, 0}));
  EXPECT_EQ(d.split, (std::vector<Split>{Split::Train, Split::Train, Split::None, Split::Val, Split::Test}));
}

// Weighted features (`id:value`), mixed with binary entries (`id`, value 1.0) on one line.
TEST(DataTextFormat, WeightedFeaturesKeepTheirValuesAndNormalizeByTheirSum) {
  TempDir dir;
  write_small(dir);
  dir.write("features.txt", "0:2 3:6\n1\n\n0:0.5 1 2:-0.25 3:2.75\n2:1e-3\n");
  const Dataset d = load_text_dataset(dir.path());
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 3, 3, 7, 8}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 3, 1, 0, 1, 2, 3, 2}));
  EXPECT_EQ(d.features.val, (std::vector<float>{2, 6, 1, 0.5f, 1, -0.25f, 2.75f, 1e-3f}));
  // Kipf's row normalization divides a row by the sum of its values, computed by hand here:
  // row 0 sums to 8, row 1 to 1, row 3 to 0.5 + 1 - 0.25 + 2.75 = 4, row 4 to 0.001.
  ModelConfig config = preset_config("kipf");
  ASSERT_TRUE(config.row_normalize_features);
  const Problem p = make_problem(d, config);
  const std::vector<float> want = {0.25f, 0.75f, 1, 0.125f, 0.25f, -0.0625f, 0.6875f, 1};
  ASSERT_EQ(p.features.val.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(p.features.val[i], want[i]) << "entry " << i;
  // Without normalization (--raw-features) the values are the file's.
  config.row_normalize_features = false;
  EXPECT_EQ(make_problem(d, config).features.val, d.features.val);
}

TEST(DataTextFormat, ToleratesMissingFinalNewlineAndCrlf) {
  TempDir dir;
  write_small(dir);
  dir.write("labels.txt", "0\n1\n-1\n1\n0");              // no '\n' after the last line
  dir.write("split.txt", "train\r\ntrain\r\nnone\r\nval\r\ntest\r\n");  // Windows line ends
  const Dataset d = load_text_dataset(dir.path());
  EXPECT_EQ(d.labels[4], 0);
  EXPECT_EQ(d.split[4], Split::Test);
}

}  // namespace
}  // namespace gcn
