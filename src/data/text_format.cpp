// The plain-text dataset format of ../shared/data (its README.md is the specification):
// meta.txt, edges.txt, features.txt, labels.txt, split.txt. Parsing is strict: anything that
// disagrees with the specification or with meta.txt is an error at its file and line.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <numeric>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/loaders.hpp"
#include "data/text_reader.hpp"

namespace gcn {
namespace {

using detail::expect_end;
using detail::expect_int;
using detail::FeatureEntry;
using detail::Fields;
using detail::for_each_feature_entry;
using detail::quoted;
using detail::TextReader;

// At most one int32 node id per node, and CSR column ids are int32.
constexpr int64_t kMaxCount = INT32_MAX;

struct Meta {
  enum Key { Nodes, Features, Classes, Edges, Train, Val, Test, NumKeys };
  static constexpr std::array<const char*, NumKeys> names = {"nodes", "features", "classes", "edges",
                                                             "train", "val",      "test"};
  std::string path;
  std::array<int64_t, NumKeys> value{};
  std::array<int64_t, NumKeys> line{};  // 0: key not seen

  int64_t operator[](Key k) const { return value[k]; }
  [[noreturn]] void fail(Key k, const std::string& message) const { fail_at(path, line[k], message); }
};

Meta read_meta(const std::string& path) {
  TextReader reader(path);
  Meta meta;
  meta.path = path;
  std::string_view line;
  while (reader.next_line(line)) {
    Fields fields(line);
    std::string_view key;
    if (!fields.next(key)) reader.fail("empty line; expected 'key value'");
    const auto it = std::find(Meta::names.begin(), Meta::names.end(), key);
    if (it == Meta::names.end())
      reader.fail("unknown key " + quoted(key) + " (expected nodes, features, classes, edges, train, val or test)");
    const auto k = static_cast<Meta::Key>(it - Meta::names.begin());
    if (meta.line[k] != 0)
      reader.fail("duplicate key '" + std::string(key) + "' (first on line " + std::to_string(meta.line[k]) + ")");
    meta.line[k] = reader.line_number();
    // Sizes are checked against int32 ids here, before anything is allocated from them.
    const int64_t hi = k == Meta::Edges ? INT64_MAX : kMaxCount;
    meta.value[k] = expect_int(reader, fields, (std::string(key) + " value").c_str(), 0, hi);
    expect_end(reader, fields, "the value");
  }
  for (int k = 0; k < Meta::NumKeys; ++k)
    if (meta.line[k] == 0) fail_at(path, reader.line_number() + 1, std::string("missing key '") + Meta::names[k] + "'");
  if (meta[Meta::Nodes] == 0) meta.fail(Meta::Nodes, "empty graph: nodes is 0");
  if (meta[Meta::Features] == 0) meta.fail(Meta::Features, "features is 0; a GCN needs at least one input feature");
  if (meta[Meta::Classes] == 0) meta.fail(Meta::Classes, "classes is 0");
  const int64_t n = meta[Meta::Nodes];
  if (meta[Meta::Edges] > n * (n - 1) / 2)  // n < 2^31, so n * (n - 1) fits in int64
    meta.fail(Meta::Edges, "edges " + std::to_string(meta[Meta::Edges]) + " is more than a simple graph of " +
                               std::to_string(n) + " nodes can have");
  if (meta[Meta::Train] + meta[Meta::Val] + meta[Meta::Test] > n)
    meta.fail(Meta::Test, "train + val + test is more than nodes " + std::to_string(n));
  if (meta[Meta::Train] == 0) meta.fail(Meta::Train, "train is 0; training needs labelled nodes");
  return meta;
}

// Reserve for `count` items, but never more than the file could hold (each item takes at least
// `min_bytes` bytes), so a huge count in meta.txt cannot allocate before the file is read.
template <typename V>
void reserve_bounded(V& v, int64_t count, const TextReader& reader, size_t min_bytes, const char* what) {
  const int64_t bound = static_cast<int64_t>(reader.size_bytes() / min_bytes) + 1;
  const int64_t n = std::min(count, bound);
  v.reserve(checked_element_count(n, 1, sizeof(typename V::value_type), what));
}

// A line past the expected count, or too few lines: both are errors at the offending line.
void check_line_count(TextReader& reader, int64_t expected, Meta::Key key) {
  std::string_view line;
  const std::string says = std::string("meta.txt says ") + Meta::names[key] + " " + std::to_string(expected);
  if (reader.line_number() < expected)
    fail_at(reader.path(), reader.line_number() + 1,
            "file ends after " + std::to_string(reader.line_number()) + " lines; " + says);
  if (reader.next_line(line)) reader.fail("extra line; " + says);
}

Csr<float> read_edges(const std::string& path, const Meta& meta) {
  TextReader reader(path);
  const int64_t n = meta[Meta::Nodes];
  const int64_t expected = meta[Meta::Edges];
  std::vector<std::pair<int32_t, int32_t>> edges;
  reserve_bounded(edges, expected, reader, 4, "edge list");  // "u v\n" is at least 4 bytes
  bool sorted = true;
  std::string_view line;
  while (reader.line_number() < expected && reader.next_line(line)) {
    Fields fields(line);
    const int64_t u = expect_int(reader, fields, "node id u", 0, n - 1);
    const int64_t v = expect_int(reader, fields, "node id v", 0, n - 1);
    expect_end(reader, fields, "'u v'");
    if (u >= v) reader.fail("edge " + std::to_string(u) + " " + std::to_string(v) + " must have u < v");
    const std::pair<int32_t, int32_t> e(static_cast<int32_t>(u), static_cast<int32_t>(v));
    if (!edges.empty()) {
      if (e == edges.back()) reader.fail("duplicate edge " + std::to_string(u) + " " + std::to_string(v));
      if (e < edges.back()) sorted = false;
    }
    edges.push_back(e);
  }
  check_line_count(reader, expected, Meta::Edges);
  if (!sorted) {
    // The specification sorts the file; an unsorted file is accepted, but duplicates must still
    // be found and reported at the line of their second occurrence.
    std::vector<int64_t> order(edges.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return edges[a] < edges[b]; });
    for (size_t i = 1; i < order.size(); ++i)
      if (edges[order[i]] == edges[order[i - 1]])
        fail_at(path, order[i] + 1,
                "duplicate edge " + std::to_string(edges[order[i]].first) + " " +
                    std::to_string(edges[order[i]].second) + " (first on line " + std::to_string(order[i - 1] + 1) +
                    ")");
  }
  return adjacency_from_edges(n, edges);
}

Csr<float> read_features(const std::string& path, const Meta& meta) {
  TextReader reader(path);
  const int64_t n = meta[Meta::Nodes];
  const int64_t f = meta[Meta::Features];
  Csr<float> x;
  x.rows = n;
  x.cols = f;
  reserve_bounded(x.row_ptr, n + 1, reader, 1, "feature row offsets");
  reserve_bounded(x.col, INT64_MAX, reader, 2, "feature column ids");
  x.row_ptr.push_back(0);
  std::string_view line;
  bool weighted = false;  // values are stored only once a line has one
  while (reader.line_number() < n && reader.next_line(line)) {
    Fields fields(line);
    for_each_feature_entry(reader, fields, f, [&](const FeatureEntry& e) {
      if (e.has_value && !weighted) {
        weighted = true;
        x.val.assign(x.col.size(), 1.0f);  // the entries so far were binary
      }
      x.col.push_back(static_cast<int32_t>(e.id));
      if (weighted) x.val.push_back(e.value);
    });
    x.row_ptr.push_back(static_cast<int64_t>(x.col.size()));
  }
  check_line_count(reader, n, Meta::Nodes);
  x.col.shrink_to_fit();
  if (!weighted) x.val.assign(x.col.size(), 1.0f);  // binary bag of words: every listed feature is 1.0
  x.val.shrink_to_fit();
  return x;
}

std::vector<int32_t> read_labels(const std::string& path, const Meta& meta) {
  TextReader reader(path);
  const int64_t n = meta[Meta::Nodes];
  std::vector<int32_t> labels;
  reserve_bounded(labels, n, reader, 2, "labels");
  std::string_view line;
  while (reader.line_number() < n && reader.next_line(line)) {
    Fields fields(line);
    labels.push_back(static_cast<int32_t>(expect_int(reader, fields, "label", -1, meta[Meta::Classes] - 1)));
    expect_end(reader, fields, "the label");
  }
  check_line_count(reader, n, Meta::Nodes);
  return labels;
}

std::vector<Split> read_split(const std::string& path, const Meta& meta, const std::vector<int32_t>& labels) {
  TextReader reader(path);
  const int64_t n = meta[Meta::Nodes];
  std::vector<Split> split;
  reserve_bounded(split, n, reader, 4, "split");
  std::string_view line;
  while (reader.line_number() < n && reader.next_line(line)) {
    Fields fields(line);
    std::string_view word;
    if (!fields.next(word)) reader.fail("empty line; expected train, val, test or none");
    Split s;
    if (word == "train")
      s = Split::Train;
    else if (word == "val")
      s = Split::Val;
    else if (word == "test")
      s = Split::Test;
    else if (word == "none")
      s = Split::None;
    else
      reader.fail("unknown split " + quoted(word) + " (expected train, val, test or none)");
    expect_end(reader, fields, "the split");
    const size_t node = split.size();
    if (s != Split::None && labels[node] < 0)
      reader.fail("node " + std::to_string(node) + " is in the " + split_name(s) +
                  " split but labels.txt gives it no label (-1)");
    split.push_back(s);
  }
  check_line_count(reader, n, Meta::Nodes);
  const std::pair<Split, Meta::Key> checks[] = {
      {Split::Train, Meta::Train}, {Split::Val, Meta::Val}, {Split::Test, Meta::Test}};
  for (const auto& [s, key] : checks) {
    const int64_t got = std::count(split.begin(), split.end(), s);
    if (got != meta[key])
      meta.fail(key, std::string(Meta::names[key]) + " " + std::to_string(meta[key]) + ", but " + path + " has " +
                         std::to_string(got) + " '" + split_name(s) + "' lines");
  }
  return split;
}

std::string directory_name(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::path p(dir);
  while (p.has_relative_path() && p.filename().empty()) p = p.parent_path();  // "data/cora/" -> "data/cora"
  std::string name = p.filename().string();
  if (name.empty() || name == "." || name == "..") {
    std::error_code ec;
    const fs::path full = fs::weakly_canonical(p, ec);
    if (!ec && !full.filename().empty()) name = full.filename().string();
  }
  return name;
}

}  // namespace

Dataset load_text_dataset(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) fail(dir + ": no such file or directory");
  if (!std::filesystem::is_directory(dir, ec))
    fail(dir + ": not a directory (expected meta.txt, edges.txt, ... in it)");
  const auto file = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  const Meta meta = read_meta(file("meta.txt"));
  Dataset data;
  data.name = directory_name(dir);
  data.num_nodes = meta[Meta::Nodes];
  data.num_features = meta[Meta::Features];
  data.num_classes = static_cast<int>(meta[Meta::Classes]);
  // Per-node files first: they must have `nodes` lines, so a wrong node count in meta.txt is
  // caught at a line of theirs before edges.txt allocates node-sized row offsets.
  data.features = read_features(file("features.txt"), meta);
  data.labels = read_labels(file("labels.txt"), meta);
  data.split = read_split(file("split.txt"), meta, data.labels);
  data.adjacency = read_edges(file("edges.txt"), meta);
  validate(data, dir);
  return data;
}

}  // namespace gcn
