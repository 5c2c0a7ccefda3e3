// The linqs loader (`--data PATH/NAME.content`, NAME.cites beside it) on a small dataset whose
// every line is known, and on each kind of bad input. The split is positional (train 0-139, val
// 200-499, test 500-1499), so the dataset has 1510 papers: a hand-written head, then lines made
// by a rule the test can recompute.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data_test_util.hpp"

namespace gcn {
namespace {

using testing::TempDir;
using namespace std::string_literals;

constexpr int kPapers = 1510;
constexpr int kFeatures = 4;

// Sorted class names give the label numbers: Agents 0, Neural_Networks 1, Rule_Learning 2.
const char* const kClassOf[3] = {"Neural_Networks", "Rule_Learning", "Agents"};
int expected_label(int paper) {
  static const int label_of_class[3] = {1, 2, 0};  // of kClassOf[0..2]
  return label_of_class[paper % 3];
}

// Papers 0-2 are written by hand (two numeric ids and a citeseer-style word id); paper i >= 3 is
// "p<i>" with feature k set when bit k of i is. Paper i's class is kClassOf[i % 3] throughout.
const char* const kHead =
    "31336 0 1 0 0 Neural_Networks\n"
    "1061127 1 0 0 1 Rule_Learning\n"
    "bradshaw97introduction 0 0 0 0 Agents\n";
std::vector<int32_t> expected_features(int paper) {
  if (paper == 0) return {1};
  if (paper == 1) return {0, 3};
  if (paper == 2) return {};
  std::vector<int32_t> cols;
  for (int k = 0; k < kFeatures; ++k)
    if ((paper >> k) & 1) cols.push_back(k);
  return cols;
}

std::string content_lines(int papers) {
  std::string text = kHead;
  for (int i = 3; i < papers; ++i) {
    text += 'p';
    text += std::to_string(i);
    for (int k = 0; k < kFeatures; ++k) text += (i >> k) & 1 ? " 1" : " 0";
    text += std::string(" ") + kClassOf[i % 3] + "\n";
  }
  return text;
}

// Edges 0-1 (given in both directions), 0-10, 3-1509; a self-citation (dropped).
const char* const kCites =
    "31336 1061127\n"
    "1061127 31336\n"
    "bradshaw97introduction bradshaw97introduction\n"
    "p10 31336\n"
    "p1509 p3\n";

class Linqs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir.write("cora.content", content_lines(kPapers));
    dir.write("cora.cites", kCites);
  }
  Dataset load() const { return load_linqs_dataset(content()); }
  std::string content() const { return dir.file("cora.content"); }
  std::string cites() const { return dir.file("cora.cites"); }
  // Replaces line `line` (1-based) of cora.content.
  void replace_content_line(int line, const std::string& text) const {
    std::string all = content_lines(kPapers);
    size_t begin = 0;
    for (int i = 1; i < line; ++i) begin = all.find('\n', begin) + 1;
    all.replace(begin, all.find('\n', begin) - begin, text);
    dir.write("cora.content", all);
  }
  TempDir dir;
};

TEST_F(Linqs, SmallDatasetExactContents) {
  const Dataset d = load();
  EXPECT_EQ(d.name, "cora-linqs");
  EXPECT_EQ(d.num_nodes, kPapers);
  EXPECT_EQ(d.num_features, kFeatures);
  EXPECT_EQ(d.num_classes, 3);

  ASSERT_EQ(d.features.rows, kPapers);
  ASSERT_EQ(d.features.cols, kFeatures);
  for (int i = 0; i < kPapers; ++i) {
    const std::vector<int32_t> cols(d.features.col.begin() + d.features.row_ptr[i],
                                    d.features.col.begin() + d.features.row_ptr[i + 1]);
    ASSERT_EQ(cols, expected_features(i)) << "paper " << i;
  }
  for (float v : d.features.val) ASSERT_EQ(v, 1.0f);

  for (int i = 0; i < kPapers; ++i) ASSERT_EQ(d.labels[i], expected_label(i)) << "paper " << i;

  for (int i = 0; i < kPapers; ++i) {
    const Split expected = i < 140 ? Split::Train : i < 200 ? Split::None : i < 500 ? Split::Val
                                                       : i < 1500 ? Split::Test : Split::None;
    ASSERT_EQ(d.split[i], expected) << "paper " << i;
  }
  EXPECT_EQ(d.count(Split::Train), 140);
  EXPECT_EQ(d.count(Split::Val), 300);
  EXPECT_EQ(d.count(Split::Test), 1000);

  // Symmetric, binary, no self loop, the repeated citation stored once.
  const Csr<float>& a = d.adjacency;
  EXPECT_EQ(a.nnz(), 6);
  EXPECT_EQ(d.num_undirected_edges(), 3);
  const auto row = [&](int r) { return std::vector<int32_t>(a.col.begin() + a.row_ptr[r], a.col.begin() + a.row_ptr[r + 1]); };
  EXPECT_EQ(row(0), (std::vector<int32_t>{1, 10}));
  EXPECT_EQ(row(1), (std::vector<int32_t>{0}));
  EXPECT_EQ(row(2), (std::vector<int32_t>{}));
  EXPECT_EQ(row(3), (std::vector<int32_t>{1509}));
  EXPECT_EQ(row(10), (std::vector<int32_t>{0}));
  EXPECT_EQ(row(1509), (std::vector<int32_t>{3}));
  for (float v : a.val) EXPECT_EQ(v, 1.0f);
}

TEST_F(Linqs, ThroughLoadDatasetPathByExtension) {
  EXPECT_EQ(load_dataset_path(content()).num_nodes, kPapers);
}

TEST_F(Linqs, ToleratesCrlfAndMissingFinalNewline) {
  std::string text = content_lines(kPapers);
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  crlf.pop_back();  // the last "\n"
  crlf.pop_back();  // and its "\r"
  dir.write("cora.content", crlf);
  dir.write("cora.cites", "31336 1061127");
  const Dataset d = load();
  EXPECT_EQ(d.num_nodes, kPapers);
  EXPECT_EQ(d.num_undirected_edges(), 1);
}

TEST_F(Linqs, FeatureWrittenAsOnePointZeroIsOne) {
  replace_content_line(3, "bradshaw97introduction 0 1.0 0.0 0 Agents");
  const Dataset d = load();
  EXPECT_EQ(std::vector<int32_t>(d.features.col.begin() + d.features.row_ptr[2], d.features.col.begin() + d.features.row_ptr[3]),
            (std::vector<int32_t>{1}));
}

// Citeseer's real .cites names papers that its .content lacks: dropped, counted on stderr with
// the first one, and the rest of the graph loads.
TEST_F(Linqs, CitationOfUnknownPaperIsSkippedAndCounted) {
  dir.write("cora.cites", std::string(kCites) + "ghost 31336\n31336 phantom\n");
  ::testing::internal::CaptureStderr();
  const Dataset d = load();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(d.num_undirected_edges(), 3);
  EXPECT_NE(err.find("skipped 2 citation(s)"), std::string::npos) << err;
  EXPECT_NE(err.find(cites() + ":6"), std::string::npos) << err;
  EXPECT_NE(err.find("'ghost'"), std::string::npos) << err;
}

TEST_F(Linqs, NoSkipMessageWhenEveryCitationIsKnown) {
  ::testing::internal::CaptureStderr();
  load();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST_F(Linqs, MissingCitesFile) {
  std::filesystem::remove(cites());
  EXPECT_ERROR_WITH(load(), cites(), "cannot open");
}

TEST_F(Linqs, MissingContentFile) {
  EXPECT_ERROR_WITH(load_linqs_dataset(dir.file("citeseer.content")), dir.file("citeseer.content"), "cannot open");
}

TEST_F(Linqs, EmptyContentFile) {
  dir.write("cora.content", "");
  EXPECT_ERROR_WITH(load(), content() + ":1:", "empty file");
}

TEST_F(Linqs, EmptyLine) {
  replace_content_line(7, "");
  EXPECT_ERROR_WITH(load(), content() + ":7:", "empty line");
}

TEST_F(Linqs, LineWithOnlyAnId) {
  replace_content_line(5, "p4");
  EXPECT_ERROR_WITH(load(), content() + ":5:", "got 1 field(s)");
}

TEST_F(Linqs, LineWithoutFeatures) {
  replace_content_line(5, "p4 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":5:", "got 2 field(s)");
}

TEST_F(Linqs, FeatureNotZeroOrOne) {
  replace_content_line(9, "p8 0 0 2 1 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":9:", "feature 2 is '2', not 0 or 1");
}

TEST_F(Linqs, FeatureFraction) {
  replace_content_line(9, "p8 0 0.5 0 1 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":9:", "feature 1 is '0.5', not 0 or 1");
}

TEST_F(Linqs, FeatureNotANumber) {
  replace_content_line(9, "p8 0 x 0 1 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":9:", "feature 1 is 'x', not 0 or 1");
}

TEST_F(Linqs, FeatureNaN) {
  replace_content_line(9, "p8 nan 0 0 1 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":9:", "feature 0 is 'nan', not 0 or 1");
}

TEST_F(Linqs, TooFewFeaturesOnALine) {
  replace_content_line(12, "p11 1 1 0 Rule_Learning");
  EXPECT_ERROR_WITH(load(), content() + ":12:", "5 fields, but line 1 has 6");
}

TEST_F(Linqs, TooManyFeaturesOnALine) {
  replace_content_line(12, "p11 1 1 0 1 0 Rule_Learning");
  EXPECT_ERROR_WITH(load(), content() + ":12:", "7 fields, but line 1 has 6");
}

TEST_F(Linqs, DuplicatePaperId) {
  replace_content_line(20, "31336 0 0 0 0 Agents");
  EXPECT_ERROR_WITH(load(), content() + ":20:", "duplicate paper id '31336'", "first on line 1");
}

TEST_F(Linqs, ControlCharacterInPaperId) {
  replace_content_line(4, std::string("p3\x01x 1 1 0 0 Neural_Networks"));
  EXPECT_ERROR_WITH(load(), content() + ":4:", "control character");
}

TEST_F(Linqs, FewerThan1500PapersSplitDoesNotFit) {
  dir.write("cora.content", content_lines(1499));
  dir.write("cora.cites", "31336 1061127\n");
  EXPECT_ERROR_WITH(load(), content(), "1499 papers", "needs at least 1500");
}

TEST_F(Linqs, ExactlyThe1500PapersTheSplitNeeds) {
  dir.write("cora.content", content_lines(1500));
  dir.write("cora.cites", "31336 1061127\n");
  const Dataset d = load();
  EXPECT_EQ(d.count(Split::Test), 1000);
  EXPECT_EQ(d.count(Split::None), 60);
}

TEST_F(Linqs, CitesLineWithOneId) {
  dir.write("cora.cites", "31336 1061127\np10\n");
  EXPECT_ERROR_WITH(load(), cites() + ":2:", "expected '<cited_id> <citing_id>'");
}

TEST_F(Linqs, CitesLineWithThreeIds) {
  dir.write("cora.cites", "31336 1061127\np10 p11 p12\n");
  EXPECT_ERROR_WITH(load(), cites() + ":2:", "unexpected 'p12'");
}

TEST_F(Linqs, CitesEmptyLine) {
  dir.write("cora.cites", "31336 1061127\n\np10 p11\n");
  EXPECT_ERROR_WITH(load(), cites() + ":2:", "expected '<cited_id> <citing_id>'");
}

TEST_F(Linqs, CitesMalformedIdIsAnErrorNotASkip) {
  dir.write("cora.cites", std::string("31336 1061127\np10 p1\x7f\n"));
  EXPECT_ERROR_WITH(load(), cites() + ":2:", "citing paper id", "control character");
}

TEST_F(Linqs, CitesBinaryGarbage) {
  dir.write("cora.cites", "31336 1061127\n\x00\x01\x02 p3\n"s);
  EXPECT_ERROR_WITH(load(), cites() + ":2:", "cited paper id '\\x00\\x01\\x02'", "control character");
}

}  // namespace
}  // namespace gcn
