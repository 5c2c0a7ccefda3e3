// The OGB node-property loader (src/data/ogb_format.cpp) on a small directory written by the
// test in OGB's layout, gzip-compressed through zlib (and one file plain, which is allowed): the
// graph, features, labels and official split come through; a truncated gzip file, an id out of
// range, a ragged feature row and an ambiguous split are errors naming the file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/data_test_util.hpp"
#include "data/loaders.hpp"

namespace gcn {
namespace {

using testing::TempDir;

void write_gzip(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// Five nodes, edges in one direction, node 3 unlabelled (nan), split "time".
void write_small(const TempDir& dir) {
  write_gzip(dir.file("raw/num-node-list.csv.gz"), "5\n");
  write_gzip(dir.file("raw/edge.csv.gz"), "0,1\n1,2\n3,4\n0,4\n");
  write_gzip(dir.file("raw/node-feat.csv.gz"), "0.5,0,1\n0,0,0\n-1.25,2,0\n1,1,1\n0,3e-2,0\n");
  write_gzip(dir.file("raw/node-label.csv.gz"), "1\n0\n2\nnan\n1\n");
  write_gzip(dir.file("split/time/train.csv.gz"), "0\n1\n");
  write_gzip(dir.file("split/time/valid.csv.gz"), "2\n");
  dir.write("split/time/test.csv", "4\n");  // a plain .csv is read too
}

TEST(OgbFormat, ReadsTheGraphFeaturesLabelsAndOfficialSplit) {
  TempDir dir;
  write_small(dir);
  EXPECT_EQ(dataset_format(dir.path()), "ogb");
  const Dataset d = load_dataset_path(dir.path());
  EXPECT_EQ(d.num_nodes, 5);
  EXPECT_EQ(d.adjacency.row_ptr, (std::vector<int64_t>{0, 2, 4, 5, 6, 8}));
  EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 4, 0, 2, 1, 4, 0, 3}));
  EXPECT_EQ(d.num_features, 3);
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 2, 4, 7, 8}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 2, 0, 1, 0, 1, 2, 1}));
  EXPECT_EQ(d.features.val, (std::vector<float>{0.5f, 1, -1.25f, 2, 1, 1, 1, 0.03f}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 0, 2, -1, 1}));
  EXPECT_EQ(d.num_classes, 3);
  EXPECT_EQ(d.split, (std::vector<Split>{Split::Train, Split::Train, Split::Val, Split::None, Split::Test}));
}

TEST(OgbFormat, ErrorsNameTheFile) {
  {
    TempDir dir;
    write_small(dir);
    // The first half of a gzip file: the stream ends early.
    const std::string path = dir.file("raw/edge.csv.gz");
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    dir.write("raw/edge.csv.gz", bytes.substr(0, bytes.size() / 2));
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()), path);
  }
  {
    TempDir dir;
    write_small(dir);
    write_gzip(dir.file("raw/edge.csv.gz"), "0,1\n1,5\n");
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()), dir.file("raw/edge.csv.gz") + ":2:", "out of range");
  }
  {
    TempDir dir;
    write_small(dir);
    write_gzip(dir.file("raw/node-feat.csv.gz"), "0.5,0,1\n0,0\n-1.25,2,0\n1,1,1\n0,3e-2,0\n");
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()), dir.file("raw/node-feat.csv.gz") + ":2:", "first row has 3");
  }
  {
    TempDir dir;
    write_small(dir);
    write_gzip(dir.file("raw/node-label.csv.gz"), "1\n0\ncat\nnan\n1\n");
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()), dir.file("raw/node-label.csv.gz") + ":3:", "class number");
  }
  {
    TempDir dir;
    write_small(dir);
    write_gzip(dir.file("split/other/train.csv.gz"), "0\n");
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()), "split", "found 2");
  }
  {
    TempDir dir;
    write_small(dir);
    write_gzip(dir.file("split/time/valid.csv.gz"), "1\n");
    EXPECT_ERROR_WITH(load_ogb_dataset(dir.path()),
                      dir.file("split/time/valid.csv.gz") + ":1:", "already in the train");
  }
}

}  // namespace
}  // namespace gcn
