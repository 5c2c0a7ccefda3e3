// `gcnbench convert` and `--data` on an edge list: the edge list trains as it is and after
// conversion to the text format, with the same result; the format read is named on stderr;
// what convert cannot do is refused with exit 2.
#include <gtest/gtest.h>

#include <string>

#include "data/data_test_util.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

// A ring of 60 nodes with chords, ids spaced by 10, three classes, weighted features.
void write_edge_list(const testing::TempDir& dir) {
  std::string edges = "# u v\n", labels, features;
  for (int i = 0; i < 60; ++i) {
    edges += std::to_string(10 * i) + " " + std::to_string(10 * ((i + 1) % 60)) + "\n";
    if (i % 3 == 0) edges += std::to_string(10 * i) + " " + std::to_string(10 * ((i + 7) % 60)) + "\n";
    labels += std::to_string(10 * i) + " " + std::to_string(i % 3) + "\n";
    features += std::to_string(10 * i) + " " + std::to_string(i % 3) + ":1.5 " + std::to_string(3 + i % 5) + ":0.25\n";
  }
  dir.write("edges.txt", edges);
  dir.write("labels.txt", labels);
  dir.write("features.txt", features);
}

TEST(Convert, AnEdgeListTrainsTheSameAsItsConversion) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  testing::TempDir in, out;
  write_edge_list(in);
  const auto converted = testing::run_gcnbench({"convert", in.file("edges.txt"), "--out", out.path(), "--force"});
  ASSERT_EQ(converted.result.exit_code, 0) << converted.command << "\n" << converted.result.stderr_tail;
  EXPECT_NE(converted.result.stderr_tail.find("(edge list)"), std::string::npos) << converted.result.stderr_tail;

  const std::vector<std::string> train = {"train", "--backend", "cpu-ref", "--epochs", "5", "--json", "--data"};
  auto args = train;
  args.push_back(in.file("edges.txt"));
  const auto direct = testing::run_gcnbench(args);
  args = train;
  args.push_back(out.path());
  const auto via_text = testing::run_gcnbench(args);
  ASSERT_EQ(direct.result.exit_code, 0) << direct.command << "\n" << direct.result.stderr_tail;
  ASSERT_EQ(via_text.result.exit_code, 0) << via_text.command << "\n" << via_text.result.stderr_tail;
  EXPECT_NE(direct.result.stderr_tail.find("edge list format"), std::string::npos) << direct.result.stderr_tail;
  EXPECT_NE(via_text.result.stderr_tail.find("text format"), std::string::npos) << via_text.result.stderr_tail;
  const auto a = testing::json_events(direct.stdout_text, "epoch"),
             b = testing::json_events(via_text.stdout_text, "epoch");
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t e = 0; e < a.size(); ++e) EXPECT_EQ(a[e]["train_loss"], b[e]["train_loss"]) << "epoch " << e;
}

TEST(Convert, RefusesWhatItCannotDo) {
  if (testing::gcnbench_binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  testing::TempDir in, out;
  write_edge_list(in);
  ASSERT_EQ(testing::run_gcnbench({"convert", in.path(), "--out", out.path()}).result.exit_code, 0);
  const auto again = testing::run_gcnbench({"convert", in.path(), "--out", out.path()});
  EXPECT_EQ(again.result.exit_code, 2);
  EXPECT_NE(again.result.stderr_tail.find("--force"), std::string::npos) << again.result.stderr_tail;
  const auto both = testing::run_gcnbench(
      {"convert", in.path(), "--synthetic", "nodes=50,degree=3,features=4,classes=2,seed=0", "--out", out.path()});
  EXPECT_EQ(both.result.exit_code, 2);
  const auto none = testing::run_gcnbench({"convert", "--out", out.path(), "--force"});
  EXPECT_EQ(none.result.exit_code, 2);
  in.write("labels.txt", "0 1\n0 2\n");
  const auto bad = testing::run_gcnbench({"convert", in.path(), "--out", out.path(), "--force"});
  EXPECT_EQ(bad.result.exit_code, 2);
  EXPECT_NE(bad.result.stderr_tail.find("more than one label"), std::string::npos) << bad.result.stderr_tail;
}

}  // namespace
}  // namespace gcn
