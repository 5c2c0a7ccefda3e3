// The .npz loader (src/data/npz_format.cpp) on small archives written by the test through libzip
// (deflated and stored members) in both layouts, Shchur et al.'s and the heterophilous
// benchmarks'; then an archive written by numpy itself (np.savez_compressed, with a pickled
// member, a Fortran-order matrix and bool masks) when Debian's numpy is present; then each kind of
// bad input, every error naming the archive and the member.
#include <gtest/gtest.h>
#include <zip.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/data_test_util.hpp"
#include "data/loaders.hpp"
#include "data/npy.hpp"

namespace gcn {
namespace {

using testing::TempDir;
using Members = std::map<std::string, std::string>;  // member name without .npy -> .npy bytes

void write_npz(const std::string& path, const Members& members, bool deflate = true) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(z, nullptr) << path;
  for (const auto& [name, bytes] : members) {
    zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
    ASSERT_NE(src, nullptr);
    const zip_int64_t at = zip_file_add(z, (name + ".npy").c_str(), src, ZIP_FL_OVERWRITE);
    ASSERT_GE(at, 0) << zip_strerror(z);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(at), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  ASSERT_EQ(zip_close(z), 0) << path;  // the buffers are read here, so `members` outlives it
}

// A .npy of `from`'s bytes under another dtype of the same size ('|b1' for '|u1', '>i8', ...).
std::string with_descr(std::string bytes, const std::string& from, const std::string& to) {
  const size_t at = bytes.find("'" + from + "'");
  if (at != std::string::npos) bytes.replace(at + 1, from.size(), to);
  return bytes;
}

// Five nodes in Shchur et al.'s layout: the adjacency with one direction per edge, a repeat, a
// self loop and a stored zero; CSR features with values; labels with node 3 unlabelled (-1).
Members shchur_small() {
  Members m;
  m["adj_indptr"] = npy_bytes<int32_t>({0, 2, 4, 5, 5, 6});
  m["adj_indices"] = npy_bytes<int32_t>({1, 4, 2, 2, 2, 4});
  m["adj_data"] = npy_bytes<float>({1, 1, 1, 1, 0, 1});  // 1-2 twice; 2-2 stored as 0; 4-4
  m["adj_shape"] = npy_bytes<int64_t>({5, 5});
  m["attr_indptr"] = npy_bytes<int64_t>({0, 2, 2, 3, 4, 5});
  m["attr_indices"] = npy_bytes<int64_t>({2, 0, 1, 1, 0});
  m["attr_data"] = npy_bytes<float>({1.5f, 0.25f, -2, 1, 3});
  m["attr_shape"] = npy_bytes<int64_t>({5, 3});
  m["labels"] = npy_bytes<int64_t>({1, 0, 2, -1, 1});
  return m;
}

TEST(NpzFormat, ReadsShchursLayoutWithASeededSplit) {
  TempDir dir;
  const Members members = shchur_small();
  for (const bool deflate : {true, false}) {
    write_npz(dir.file("amazon.npz"), members, deflate);
    EXPECT_EQ(dataset_format(dir.file("amazon.npz")), "npz");
    const Dataset d = load_dataset_path(dir.file("amazon.npz"));
    EXPECT_EQ(d.name, "amazon");
    EXPECT_EQ(d.num_nodes, 5);
    // Stored rows 0:{1,4} 1:{2,2} 2:{2 = 0} 3:{} 4:{4}: edges 0-1, 0-4 and 1-2, both directions.
    EXPECT_EQ(d.adjacency.row_ptr, (std::vector<int64_t>{0, 2, 4, 5, 5, 6}));
    EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 4, 0, 2, 1, 0}));
    EXPECT_EQ(d.num_features, 3);
    EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 2, 3, 4, 5}));
    EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 2, 1, 1, 0}));
    EXPECT_EQ(d.features.val, (std::vector<float>{0.25f, 1.5f, -2, 1, 3}));
    EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 0, 2, -1, 1}));
    EXPECT_EQ(d.num_classes, 3);
    EXPECT_EQ(d.split, seeded_split(d.labels, d.num_classes, kSplitSeed));
    EXPECT_EQ(d.split[3], Split::None);
  }
}

TEST(NpzFormat, ReadsDenseFeaturesAndOneHotLabels) {
  TempDir dir;
  Members m = shchur_small();
  for (const char* key : {"attr_indptr", "attr_indices", "attr_data", "attr_shape", "labels"}) m.erase(key);
  m["attr_matrix"] = npy_bytes<double>({0, 1, 0.5, 0, 0, 0, 2, 0, 0, 0}, {5, 2});
  // Labels as a CSR one-hot matrix, node 3 without a row entry.
  m["labels_indptr"] = npy_bytes<int32_t>({0, 1, 2, 3, 3, 4});
  m["labels_indices"] = npy_bytes<int32_t>({1, 0, 2, 1});
  m["labels_data"] = npy_bytes<float>({1, 1, 1, 1});
  m["labels_shape"] = npy_bytes<int64_t>({5, 3});
  write_npz(dir.file("g.npz"), m);
  const Dataset d = load_npz_dataset(dir.file("g.npz"));
  EXPECT_EQ(d.num_features, 2);
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 1, 2, 2, 3, 3}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{1, 0, 0}));
  EXPECT_EQ(d.features.val, (std::vector<float>{1, 0.5f, 2}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{1, 0, 2, -1, 1}));
}

// Four nodes of the heterophilous benchmarks' layout: two splits, of which the first is used.
Members heterophilous_small() {
  Members m;
  m["node_features"] = npy_bytes<float>({1, 0, 0, 2, 3, 0, 0, 0}, {4, 2});
  m["node_labels"] = npy_bytes<int64_t>({0, 1, 1, 0});
  m["edges"] = npy_bytes<int64_t>({0, 1, 1, 2, 2, 3, 1, 0}, {4, 2});
  m["train_masks"] = with_descr(npy_bytes<uint8_t>({1, 1, 0, 0, 0, 0, 1, 1}, {2, 4}), "|u1", "|b1");
  m["val_masks"] = with_descr(npy_bytes<uint8_t>({0, 0, 1, 0, 1, 1, 0, 0}, {2, 4}), "|u1", "|b1");
  m["test_masks"] = with_descr(npy_bytes<uint8_t>({0, 0, 0, 1, 0, 0, 0, 0}, {2, 4}), "|u1", "|b1");
  return m;
}

TEST(NpzFormat, ReadsTheHeterophilousLayoutWithItsFirstSplit) {
  TempDir dir;
  write_npz(dir.file("roman_empire.npz"), heterophilous_small());
  const Dataset d = load_dataset_path(dir.file("roman_empire.npz"));
  EXPECT_EQ(d.num_nodes, 4);
  EXPECT_EQ(d.adjacency.row_ptr, (std::vector<int64_t>{0, 1, 3, 5, 6}));
  EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 0, 2, 1, 3, 2}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_EQ(d.features.val, (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(d.num_classes, 2);
  EXPECT_EQ(d.split, (std::vector<Split>{Split::Train, Split::Train, Split::Val, Split::Test}));
}

std::string python() {
  const char* env = std::getenv("GCNBENCH_PEER_PYTHON");
  return env && *env ? env : "/usr/bin/python3";
}

// numpy's own writer: compressed members, a pickled node_names, a Fortran-order feature matrix
// of float64, int32 edges and bool masks of shape (N,).
TEST(NpzFormat, ReadsWhatNumpyWrites) {
  if (std::system((python() + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0)
    GTEST_SKIP() << python() << " has no numpy";
  TempDir dir;
  const std::string script =
      "import numpy as np, sys\n"
      "x = np.asfortranarray(np.array([[0.5, 0, 1], [0, 0, 0], [-1.25, 2, 0], [1, 1, 1]]))\n"
      "assert x.flags.f_contiguous\n"
      "np.savez_compressed(sys.argv[1], node_features=x, node_labels=np.array([2, 0, 1, 2]),\n"
      "    edges=np.array([[0, 1], [1, 3], [3, 2]], dtype=np.int32),\n"
      "    train_masks=np.array([True, True, False, False]), val_masks=np.array([False, False, True, False]),\n"
      "    test_masks=np.array([False, False, False, True]), node_names=np.array(['a', None], dtype=object))\n";
  dir.write("make.py", script);
  ASSERT_EQ(std::system((python() + " " + dir.file("make.py") + " " + dir.file("np.npz")).c_str()), 0);
  const Dataset d = load_dataset_path(dir.file("np.npz"));
  EXPECT_EQ(d.num_nodes, 4);
  EXPECT_EQ(d.features.row_ptr, (std::vector<int64_t>{0, 2, 2, 4, 7}));
  EXPECT_EQ(d.features.col, (std::vector<int32_t>{0, 2, 0, 1, 0, 1, 2}));
  EXPECT_EQ(d.features.val, (std::vector<float>{0.5f, 1, -1.25f, 2, 1, 1, 1}));
  EXPECT_EQ(d.adjacency.col, (std::vector<int32_t>{1, 0, 3, 3, 1, 2}));
  EXPECT_EQ(d.labels, (std::vector<int32_t>{2, 0, 1, 2}));
  EXPECT_EQ(d.split, (std::vector<Split>{Split::Train, Split::Train, Split::Val, Split::Test}));
}

// Writes shchur_small with `key` replaced (or removed when `bytes` is empty), loads it, and
// expects an error naming the archive and every one of `parts`.
void expect_shchur_error(const std::string& key, const std::string& bytes, std::initializer_list<std::string> parts) {
  TempDir dir;
  Members m = shchur_small();
  if (bytes.empty())
    m.erase(key);
  else
    m[key] = bytes;
  write_npz(dir.file("bad.npz"), m);
  try {
    load_npz_dataset(dir.file("bad.npz"));
    ADD_FAILURE() << "expected an error for " << key;
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(dir.file("bad.npz")), std::string::npos) << what;
    for (const std::string& part : parts) EXPECT_NE(what.find(part), std::string::npos) << what << "\nlacks: " << part;
  }
}

TEST(NpzFormat, BadMembersAreErrorsNamingTheArchiveAndMember) {
  expect_shchur_error("adj_indices", npy_bytes<int32_t>({1, 4, 2, 2, 2, 5}),
                      {"adj_indices.npy", "element 5", "out of range"});
  expect_shchur_error("adj_indptr", npy_bytes<int32_t>({0, 2, 4, 5, 6}), {"adj_indptr.npy", "expected (6,)"});
  expect_shchur_error("adj_indptr", npy_bytes<int32_t>({0, 2, 1, 5, 5, 6}), {"adj_indptr.npy", "below"});
  expect_shchur_error("adj_shape", npy_bytes<int64_t>({5, 6}), {"not square"});
  expect_shchur_error("attr_data", npy_bytes<float>({1.5f, std::numeric_limits<float>::quiet_NaN(), -2, 1, 3}),
                      {"attr_data.npy", "element 1"});
  expect_shchur_error("attr_data", npy_bytes<float>({1.5f, 0.25f, -2, 1}), {"attr_data.npy", "one value per entry"});
  expect_shchur_error("labels", npy_bytes<int64_t>({1, 0, 2, -1}), {"labels.npy", "expected (5,)"});
  expect_shchur_error("labels", npy_bytes<double>({1, 0, 2.5, -1, 1}), {"labels.npy", "not a whole number"});
  expect_shchur_error("labels", npy_bytes<int64_t>({-1, -1, -1, -1, -1}), {"no node is labelled"});
  expect_shchur_error("labels", with_descr(npy_bytes<int64_t>({1, 0, 2, -1, 1}), "<i8", ">i8"), {"big-endian"});
  expect_shchur_error("labels", with_descr(npy_bytes<int64_t>({1, 0, 2, -1, 1}), "<i8", "<c8"), {"dtype '<c8'"});
  expect_shchur_error("labels", npy_bytes<int64_t>({1, 0, 2, -1, 1}).substr(0, 128 + 36),
                      {"labels.npy", "bytes of data"});
  expect_shchur_error("labels", "", {"no member labels.npy", "adj_data.npy"});
  expect_shchur_error("attr_shape", "", {"attr_shape.npy"});
  expect_shchur_error("adj_data", "not a npy file", {"adj_data.npy", "not a .npy file"});
}

TEST(NpzFormat, BadArchivesAreErrorsNamingTheFile) {
  TempDir dir;
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("missing.npz")), dir.file("missing.npz"), "cannot open");
  dir.write("text.npz", "this is not a zip archive\n");
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("text.npz")), dir.file("text.npz"), "zip");
  write_npz(dir.file("whole.npz"), shchur_small());
  std::string bytes;
  {
    std::ifstream in(dir.file("whole.npz"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  dir.write("half.npz", bytes.substr(0, bytes.size() / 2));
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("half.npz")), dir.file("half.npz"));
  // A flipped byte inside the first member's compressed data: the CRC (or inflate) catches it.
  std::string flipped = bytes;
  flipped[60] = static_cast<char>(flipped[60] ^ 0x5a);
  dir.write("flipped.npz", flipped);
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("flipped.npz")), dir.file("flipped.npz"));
  Members other;
  other["weights"] = npy_bytes<float>({1, 2});
  write_npz(dir.file("other.npz"), other);
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("other.npz")), "neither .npz layout", "weights.npy");
  Members hetero = heterophilous_small();
  hetero["val_masks"] = with_descr(npy_bytes<uint8_t>({1, 0, 1, 0, 1, 1, 0, 0}, {2, 4}), "|u1", "|b1");
  write_npz(dir.file("overlap.npz"), hetero);
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("overlap.npz")), "val_masks.npy", "node 0", "train split");
  hetero = heterophilous_small();
  hetero["edges"] = npy_bytes<int64_t>({0, 1, 1, 2, 2, 4}, {3, 2});
  write_npz(dir.file("edge.npz"), hetero);
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("edge.npz")), "edges.npy", "element 5", "out of range");
  hetero["edges"] = npy_bytes<int64_t>({0, 1, 1}, {3});
  write_npz(dir.file("edge1d.npz"), hetero);
  EXPECT_ERROR_WITH(load_npz_dataset(dir.file("edge1d.npz")), "edges.npy", "(edges, 2)");
}

}  // namespace
}  // namespace gcn
