// The edge-list loader (README "Data formats"): sparse ids numbered by rank, comments, repeated
// and self-loop edges dropped, labels and weighted features matched to their nodes, one-hot
// degree features without features.txt, the seeded split and its small-graph rule; every error
// at its file and line; and `write_text_dataset` reading back as the same graph.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/data_test_util.hpp"
#include "data/loaders.hpp"

namespace gcn {
namespace {

using testing::TempDir;

// Five nodes with ids 7, 10, 30, 1000000000000, 42; an edge listed in both directions and a
// self loop; node 42 has no line in labels.txt (unlabelled), node 10 none in features.txt.
void write_small(const TempDir& dir) {
  dir.write("edges.txt",
            "# a comment line\n"
            "10 7\n"
            "7 10   # the same edge again, the other way\n"
            "30 30\n"
            "\n"
            "30 1000000000000\n"
            "10\t42\n");
  dir.write("labels.txt", "7 1\n10 0\n30 1\n1000000000000 2\n");
  dir.write("features.txt", "7 0:0.5 2\n# node 10 has no features\n30 1:2\n42 3:-1.5\n");
}

TEST(EdgeList, NumbersIdsByRankAndMatchesLabelsAndFeatures) {
  TempDir dir;
  write_small(dir);
  const Dataset d = load_edge_list_dataset(dir.file("edges.txt"));
  // ids 7, 10, 30, 42, 1e12 -> nodes 0..4
  EXPECT_EQ(d.num_nodes, 5);
  EXPECT_EQ(d.adjacency.row_ptr, (std::vector<int64_t>{0, 1, 3, 4, 5, 6}));
  EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 0, 3, 4, 1, 2}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 0, 1, -1, 2}));
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.num_features, 4);
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 2, 3, 4, 4}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 2, 1, 3}));
  EXPECT_EQ(d.features.val, (std::vector<float>{0.5f, 1, 2, -1.5f}));
  // Four labelled nodes, at most 20 per class: all train; nothing left for val and test.
  EXPECT_EQ(d.count(Split::Train), 4);
  EXPECT_EQ(d.split[3], Split::None);
  // The directory reads the same as the file.
  EXPECT_EQ(load_dataset_path(dir.path()).adjacency.col, d.adjacency.col);
  EXPECT_EQ(dataset_format(dir.path()), "edge list");
}

TEST(EdgeList, WithoutFeaturesEachNodeGetsItsOneHotDegree) {
  TempDir dir;
  write_small(dir);
  std::filesystem::remove(dir.file("features.txt"));
  const Dataset d = load_edge_list_dataset(dir.file("edges.txt"));
  EXPECT_EQ(d.num_features, 3);  // degrees 0..2
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{1, 2, 1, 1, 1}));
  EXPECT_EQ(d.features.val, std::vector<float>(5, 1.0f));
}

TEST(EdgeList, TheSeededSplitTakesTwentyPerClassThenAThirdForValidation) {
  // 3 classes x 100 labelled nodes, 10 unlabelled.
  std::vector<int32_t> labels;
  for (int i = 0; i < 300; ++i) labels.push_back(i % 3);
  labels.insert(labels.end(), 10, -1);
  const std::vector<Split> split = seeded_split(labels, 3, kSplitSeed);
  int64_t counts[4] = {0, 0, 0, 0}, train_per_class[3] = {0, 0, 0};
  for (size_t i = 0; i < split.size(); ++i) {
    ++counts[static_cast<int>(split[i])];
    if (split[i] == Split::Train) ++train_per_class[labels[i]];
    if (labels[i] < 0) {
      EXPECT_EQ(split[i], Split::None);
    }
  }
  EXPECT_EQ(counts[static_cast<int>(Split::Train)], 60);
  for (const int64_t c : train_per_class) EXPECT_EQ(c, 20);
  EXPECT_EQ(counts[static_cast<int>(Split::Val)], 80);    // min(500, 240 / 3)
  EXPECT_EQ(counts[static_cast<int>(Split::Test)], 160);  // min(1000, the other 160)
  EXPECT_EQ(seeded_split(labels, 3, kSplitSeed), split) << "the split must be the same every time";
  EXPECT_NE(seeded_split(labels, 3, kSplitSeed + 1), split) << "another seed, another split";
}

TEST(EdgeList, ErrorsNameTheFileAndLine) {
  const auto expect = [](const std::string& file, const std::string& content, int line, const std::string& message) {
    TempDir dir;
    write_small(dir);
    dir.write(file, content);
    EXPECT_ERROR_WITH(load_edge_list_dataset(dir.file("edges.txt")), dir.file(file) + ":" + std::to_string(line) + ":",
                      message);
  };
  expect("edges.txt", "1 2\n3\n", 2, "missing node id");
  expect("edges.txt", "1 2\n3 4 5\n", 2, "unexpected '5'");
  expect("edges.txt", "1 -2\n", 1, "negative");
  expect("edges.txt", "1 x\n", 1, "not an integer");
  expect("labels.txt", "7 1\n10\n", 2, "missing label");
  expect("labels.txt", "7 1.5\n", 1, "not an integer");
  expect("labels.txt", "7 2000000\n", 1, "classes");
  expect("features.txt", "7 0:nan\n", 1, "not a finite number");
  expect("features.txt", "7 2 1\n", 1, "ascending");
}

TEST(EdgeList, WholeFileErrorsNameTheFile) {
  TempDir dir;
  write_small(dir);
  dir.write("labels.txt", "7 1\n7 0\n");
  EXPECT_ERROR_WITH(load_edge_list_dataset(dir.file("edges.txt")), dir.file("labels.txt"), "more than one label");
  dir.write("labels.txt", "# nothing\n");
  EXPECT_ERROR_WITH(load_edge_list_dataset(dir.file("edges.txt")), dir.file("labels.txt"), "no labelled node");
  std::filesystem::remove(dir.file("labels.txt"));
  EXPECT_ERROR_WITH(load_edge_list_dataset(dir.file("edges.txt")), "labels.txt", "not found");
  dir.write("labels.txt", "7 1\n");
  dir.write("edges.txt", "# only a comment\n");
  EXPECT_ERROR_WITH(load_edge_list_dataset(dir.file("edges.txt")), dir.file("edges.txt"), "no edges");
}

TEST(TextWriter, AGraphWrittenReadsBackUnchanged) {
  for (const bool weighted : {false, true}) {
    TempDir in, out;
    write_small(in);
    if (!weighted) std::filesystem::remove(in.file("features.txt"));
    const Dataset d = load_edge_list_dataset(in.file("edges.txt"));
    write_text_dataset(d, out.path());
    const Dataset back = load_text_dataset(out.path());
    EXPECT_EQ(back.num_nodes, d.num_nodes);
    EXPECT_EQ(back.num_features, d.num_features);
    EXPECT_EQ(back.num_classes, d.num_classes);
    EXPECT_EQ(back.adjacency.row_ptr, d.adjacency.row_ptr);
    EXPECT_EQ(back.adjacency.col, d.adjacency.col);
    EXPECT_EQ(back.features.row_ptr, d.features.row_ptr);
    EXPECT_EQ(back.features.col, d.features.col);
    EXPECT_EQ(back.features.val, d.features.val);
    EXPECT_EQ(back.labels, d.labels);
    EXPECT_EQ(back.split, d.split);
  }
  // Values that need all nine digits come back bit for bit.
  Dataset d = generate_synthetic(parse_synthetic_spec("nodes=50,degree=4,features=8,classes=2,seed=3"));
  for (size_t i = 0; i < d.features.val.size(); ++i) d.features.val[i] = 1.0f / static_cast<float>(i + 3);
  TempDir out;
  write_text_dataset(d, out.path());
  EXPECT_EQ(load_text_dataset(out.path()).features.val, d.features.val);
}

}  // namespace
}  // namespace gcn
