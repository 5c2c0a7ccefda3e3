// Every malformed plain-text input must be a gcn::Error naming the file and the line: one test
// per case, each a valid 5-node dataset with one file broken.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data_test_util.hpp"

namespace gcn {
namespace {

using testing::TempDir;

const char* const kMeta = "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\n";
const char* const kEdges = "0 1\n0 4\n1 2\n3 4\n";
const char* const kFeatures = "0 3\n1\n\n0 1 2 3\n2\n";
const char* const kLabels = "0\n1\n-1\n1\n0\n";
const char* const kSplit = "train\ntrain\nnone\nval\ntest\n";

class DataTextErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write("meta.txt", kMeta);
    dir.write("edges.txt", kEdges);
    dir.write("features.txt", kFeatures);
    dir.write("labels.txt", kLabels);
    dir.write("split.txt", kSplit);
  }
  // Replaces one file and expects the load to fail at `file`:`line` with `what` in the message.
  void expect_error(const std::string& file, const std::string& content, int line, const std::string& what) {
    dir.write(file, content);
    EXPECT_ERROR_WITH(load_text_dataset(dir.path()), dir.file(file) + ":" + std::to_string(line) + ":", what);
  }
  TempDir dir;
};

TEST_F(DataTextErrors, ValidBaselineLoads) { EXPECT_EQ(load_text_dataset(dir.path()).num_nodes, 5); }

TEST_F(DataTextErrors, MissingDirectory) {
  EXPECT_ERROR_WITH(load_text_dataset(dir.file("nope")), dir.file("nope"), "no such file or directory");
}

TEST_F(DataTextErrors, FileInsteadOfDirectory) {
  EXPECT_ERROR_WITH(load_text_dataset(dir.file("labels.txt")), dir.file("labels.txt"), "not a directory");
}

TEST_F(DataTextErrors, MissingFile) {
  std::filesystem::remove(dir.file("labels.txt"));
  EXPECT_ERROR_WITH(load_text_dataset(dir.path()), dir.file("labels.txt"), "cannot open");
}

TEST_F(DataTextErrors, UnreadableFileIsADirectory) {
  std::filesystem::remove(dir.file("split.txt"));
  std::filesystem::create_directory(dir.file("split.txt"));
  EXPECT_ERROR_WITH(load_text_dataset(dir.path()), dir.file("split.txt"), "cannot");
}

TEST_F(DataTextErrors, MetaNonNumeric) { expect_error("meta.txt", "nodes five\nfeatures 4\n", 1, "not an integer"); }
TEST_F(DataTextErrors, MetaTrailingGarbage) {
  expect_error("meta.txt", "nodes 5\nfeatures 4 x\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\n", 2, "unexpected 'x'");
}
TEST_F(DataTextErrors, MetaValueGlued) { expect_error("meta.txt", "nodes 5x\n", 1, "not an integer"); }
TEST_F(DataTextErrors, MetaMissingValue) { expect_error("meta.txt", "nodes\n", 1, "missing"); }
TEST_F(DataTextErrors, MetaDuplicateKey) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\nnodes 5\n", 8, "duplicate key 'nodes'");
}
TEST_F(DataTextErrors, MetaUnknownKey) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\nweights 3\n", 8, "unknown key 'weights'");
}
TEST_F(DataTextErrors, MetaMissingKey) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\n", 7, "missing key 'test'");
}
TEST_F(DataTextErrors, MetaEmptyGraph) {
  expect_error("meta.txt", "nodes 0\nfeatures 4\nclasses 2\nedges 0\ntrain 0\nval 0\ntest 0\n", 1, "empty graph");
}
TEST_F(DataTextErrors, MetaNegative) {
  expect_error("meta.txt", "nodes -5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\n", 1, "out of range");
}
TEST_F(DataTextErrors, MetaHugeBeyondInt64) {
  expect_error("meta.txt", "nodes 99999999999999999999999\nfeatures 4\n", 1, "not an integer");
}
TEST_F(DataTextErrors, MetaHugeBeyondInt32) {
  expect_error("meta.txt", "nodes 5000000000\nfeatures 4\n", 1, "out of range");
}
TEST_F(DataTextErrors, MetaHugeEdges) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 9223372036854775807\ntrain 2\nval 1\ntest 1\n", 4,
               "more than a simple graph");
}
// A node count far larger than the files: caught as a short file, without allocating for it.
TEST_F(DataTextErrors, MetaHugeNodesTruncatedFiles) {
  dir.write("meta.txt", "nodes 2000000000\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 1\ntest 1\n");
  EXPECT_ERROR_WITH(load_text_dataset(dir.path()), dir.file("features.txt") + ":6:", "file ends after 5 lines",
                    "nodes 2000000000");
}
TEST_F(DataTextErrors, MetaSplitSumTooLarge) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 2\nval 2\ntest 2\n", 7, "more than nodes");
}

TEST_F(DataTextErrors, EdgesNonNumeric) { expect_error("edges.txt", "0 1\n0 x\n1 2\n3 4\n", 2, "not an integer"); }
TEST_F(DataTextErrors, EdgesOneField) { expect_error("edges.txt", "0 1\n0\n1 2\n3 4\n", 2, "missing node id v"); }
TEST_F(DataTextErrors, EdgesThreeFields) { expect_error("edges.txt", "0 1\n0 4 1\n1 2\n3 4\n", 2, "unexpected '1'"); }
TEST_F(DataTextErrors, EdgesTrailingGarbage) { expect_error("edges.txt", "0 1\n0 4\n1 2z\n3 4\n", 3, "'2z' is not an integer"); }
TEST_F(DataTextErrors, EdgesFloat) { expect_error("edges.txt", "0 1\n0 4.0\n1 2\n3 4\n", 2, "not an integer"); }
TEST_F(DataTextErrors, EdgesReversed) { expect_error("edges.txt", "0 1\n4 0\n1 2\n3 4\n", 2, "u < v"); }
TEST_F(DataTextErrors, EdgesSelfLoop) { expect_error("edges.txt", "0 1\n0 4\n2 2\n3 4\n", 3, "u < v"); }
TEST_F(DataTextErrors, EdgesIdOutOfRange) { expect_error("edges.txt", "0 1\n0 5\n1 2\n3 4\n", 2, "out of range"); }
TEST_F(DataTextErrors, EdgesNegativeId) { expect_error("edges.txt", "0 1\n-1 4\n1 2\n3 4\n", 2, "out of range"); }
TEST_F(DataTextErrors, EdgesDuplicateSorted) { expect_error("edges.txt", "0 1\n0 4\n0 4\n3 4\n", 3, "duplicate edge 0 4"); }
TEST_F(DataTextErrors, EdgesDuplicateUnsorted) {
  expect_error("edges.txt", "1 2\n0 4\n3 4\n1 2\n", 4, "duplicate edge 1 2 (first on line 1)");
}
TEST_F(DataTextErrors, EdgesTruncated) { expect_error("edges.txt", "0 1\n0 4\n1 2\n", 4, "edges 4"); }
TEST_F(DataTextErrors, EdgesExtraLine) { expect_error("edges.txt", "0 1\n0 4\n1 2\n3 4\n2 3\n", 5, "extra line"); }
TEST_F(DataTextErrors, EdgesTrailingBlankLine) { expect_error("edges.txt", "0 1\n0 4\n1 2\n3 4\n\n", 5, "extra line"); }
TEST_F(DataTextErrors, EdgesBinaryGarbage) {
  expect_error("edges.txt", std::string("0 1\n0 \0\xff\n1 2\n3 4\n", 17), 2, "'\\x00\\xff' is not an integer");
}

TEST_F(DataTextErrors, FeaturesNotAscending) { expect_error("features.txt", "0 3\n1\n\n0 2 1 3\n2\n", 4, "ascending"); }
TEST_F(DataTextErrors, FeaturesRepeated) { expect_error("features.txt", "0 3 3\n1\n\n0 1 2 3\n2\n", 1, "ascending"); }
TEST_F(DataTextErrors, FeaturesOutOfRange) { expect_error("features.txt", "0 3\n1\n\n0 1 2 4\n2\n", 4, "out of range"); }
TEST_F(DataTextErrors, FeaturesNonNumeric) { expect_error("features.txt", "0 3\n1\n\n0 1 two 3\n2\n", 4, "not an integer"); }
TEST_F(DataTextErrors, FeatureValueNaN) { expect_error("features.txt", "0 3\n1:nan\n\n0 1 2 3\n2\n", 2, "not a finite number"); }
TEST_F(DataTextErrors, FeatureValueInfinite) { expect_error("features.txt", "0 3\n1\n\n0 1:inf 2 3\n2\n", 4, "not a finite number"); }
TEST_F(DataTextErrors, FeatureValueBeyondFloat) { expect_error("features.txt", "0:1e39 3\n1\n\n0 1 2 3\n2\n", 1, "float's range"); }
TEST_F(DataTextErrors, FeatureValueMissingAfterColon) { expect_error("features.txt", "0 3:\n1\n\n0 1 2 3\n2\n", 1, "missing value after ':'"); }
TEST_F(DataTextErrors, FeatureValueNotANumber) { expect_error("features.txt", "0 3:x1\n1\n\n0 1 2 3\n2\n", 1, "'x1' is not a finite number"); }
TEST_F(DataTextErrors, FeatureIdMissingBeforeColon) { expect_error("features.txt", "0 :3\n1\n\n0 1 2 3\n2\n", 1, "feature id '' is not an integer"); }
TEST_F(DataTextErrors, WeightedFeatureIdOutOfRange) { expect_error("features.txt", "0 3\n1\n\n0 1 2 4:0.5\n2\n", 4, "out of range"); }
TEST_F(DataTextErrors, WeightedFeaturesNotAscending) { expect_error("features.txt", "0:1 3:1\n1\n\n0 2:1 1:1 3\n2\n", 4, "ascending"); }
TEST_F(DataTextErrors, WeightedFeaturesRepeated) { expect_error("features.txt", "0:1 3:1 3:2\n1\n\n0 1 2 3\n2\n", 1, "ascending"); }
TEST_F(DataTextErrors, FeaturesTruncated) { expect_error("features.txt", "0 3\n1\n\n", 4, "nodes 5"); }
TEST_F(DataTextErrors, FeaturesExtraLine) { expect_error("features.txt", "0 3\n1\n\n0 1 2 3\n2\n1\n", 6, "extra line"); }

TEST_F(DataTextErrors, LabelsOutOfRange) { expect_error("labels.txt", "0\n1\n-1\n2\n0\n", 4, "out of range"); }
TEST_F(DataTextErrors, LabelsBelowMinusOne) { expect_error("labels.txt", "0\n1\n-2\n1\n0\n", 3, "out of range"); }
TEST_F(DataTextErrors, LabelsNaN) { expect_error("labels.txt", "0\nnan\n-1\n1\n0\n", 2, "not an integer"); }
TEST_F(DataTextErrors, LabelsFraction) { expect_error("labels.txt", "0\n1.5\n-1\n1\n0\n", 2, "not an integer"); }
TEST_F(DataTextErrors, LabelsTwoFields) { expect_error("labels.txt", "0\n1 1\n-1\n1\n0\n", 2, "unexpected '1'"); }
TEST_F(DataTextErrors, LabelsEmptyLine) { expect_error("labels.txt", "0\n\n-1\n1\n0\n", 2, "missing label"); }
TEST_F(DataTextErrors, LabelsTruncated) { expect_error("labels.txt", "0\n1\n", 3, "nodes 5"); }
TEST_F(DataTextErrors, LabelsExtraLine) { expect_error("labels.txt", "0\n1\n-1\n1\n0\n0\n", 6, "extra line"); }

TEST_F(DataTextErrors, SplitUnknownWord) { expect_error("split.txt", "train\ntrain\nnone\nvalid\ntest\n", 4, "unknown split 'valid'"); }
TEST_F(DataTextErrors, SplitTrailingGarbage) { expect_error("split.txt", "train\ntrain\nnone\nval x\ntest\n", 4, "unexpected 'x'"); }
TEST_F(DataTextErrors, SplitEmptyLine) { expect_error("split.txt", "train\ntrain\n\nval\ntest\n", 3, "empty line"); }
TEST_F(DataTextErrors, SplitUnlabelledNode) { expect_error("split.txt", "train\ntrain\ntest\nval\nnone\n", 3, "no label"); }
TEST_F(DataTextErrors, SplitTruncated) { expect_error("split.txt", "train\ntrain\nnone\n", 4, "nodes 5"); }
TEST_F(DataTextErrors, SplitExtraLine) { expect_error("split.txt", "train\ntrain\nnone\nval\ntest\nnone\n", 6, "extra line"); }
// A count that disagrees with meta.txt is reported at meta.txt's line for that key.
TEST_F(DataTextErrors, SplitCountDisagreesWithMeta) {
  dir.write("split.txt", "train\nval\nnone\nval\ntest\n");
  EXPECT_ERROR_WITH(load_text_dataset(dir.path()), dir.file("meta.txt") + ":5:", "train 2", "has 1 'train'");
}
TEST_F(DataTextErrors, NoTrainNodes) {
  expect_error("meta.txt", "nodes 5\nfeatures 4\nclasses 2\nedges 4\ntrain 0\nval 1\ntest 1\n", 5, "train is 0");
}

}  // namespace
}  // namespace gcn
