// NumPy .npz graphs (a zip of .npy members, np.savez or np.savez_compressed), in the two layouts
// users download:
//  - Shchur et al.'s gnn-benchmark (Amazon, Coauthor, Cora-full, ...): the adjacency as SciPy CSR
//    (adj_data, adj_indices, adj_indptr, adj_shape), the features as CSR (attr_*) or dense
//    (attr_matrix or features), labels (a class per node, or a CSR labels_* with at most one entry
//    per row); no split, so seeded_split draws one.
//  - The heterophilous benchmarks of Platonov et al. as PyG reads them (roman_empire, ...):
//    node_features (N x F), node_labels (N), edges (E x 2), and train_masks / val_masks /
//    test_masks, either one mask of N or K masks of N of which the first is used.
// The adjacency's pattern is read (values ignored; zeros dropped) and made undirected. Object
// members (node_names, class_names: pickles) are never opened. Errors name the file and member.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/npy.hpp"
#include "data/zip_archive.hpp"

namespace gcn {
namespace {

constexpr int64_t kMaxClasses = 1 << 20;

// One member, parsed; keeps its bytes alive for the array's view.
struct Member {
  std::string source;  // "file.npz: member adj_data.npy", for messages
  std::string bytes;
  NpyArray array;
};

class NpzReader {
 public:
  explicit NpzReader(const std::string& path) : zip_(path) {}

  bool has(const std::string& key) const { return zip_.has(key + ".npy"); }
  const std::string& path() const { return zip_.path(); }

  Member member(const std::string& key) const {
    if (!has(key)) fail(zip_.path() + ": no member " + key + ".npy (" + listing() + ")");
    Member m;
    m.source = zip_.path() + ": member " + key + ".npy";
    m.bytes = zip_.read(key + ".npy");
    m.array = parse_npy(m.bytes, m.source);
    return m;
  }

  std::string listing() const {
    std::string out = "the archive holds";
    for (const std::string& name : zip_.names()) out += " " + name;
    return zip_.names().empty() ? "the archive is empty" : out;
  }

 private:
  ZipArchive zip_;
};

[[noreturn]] void fail_shape(const Member& m, const std::string& expected) {
  std::string shape = "(";
  for (size_t i = 0; i < m.array.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(m.array.shape[i]);
  fail(m.source + ": shape " + shape + (m.array.shape.size() == 1 ? ",)" : ")") + ", expected " + expected);
}

std::vector<int64_t> vector_of(const Member& m, int64_t size = -1) {
  if (m.array.shape.size() != 1 || (size >= 0 && m.array.shape[0] != size))
    fail_shape(m, size >= 0 ? "(" + std::to_string(size) + ",)" : "one dimension");
  return npy_integers(m.array, m.source);
}

void check_node_id(const Member& m, size_t i, int64_t id, int64_t nodes, const char* what) {
  if (id < 0 || id >= nodes)
    fail(m.source + ": element " + std::to_string(i) + ": " + what + " " + std::to_string(id) +
         " is out of range [0, " + std::to_string(nodes - 1) + "]");
}

int64_t checked_node_count(const std::string& source, int64_t n) {
  if (n < 1 || n > INT32_MAX)
    fail(source + ": " + std::to_string(n) + " nodes; gcnbench reads 1 to " + std::to_string(INT32_MAX));
  return n;
}

// SciPy CSR from KEY_data, KEY_indices, KEY_indptr, KEY_shape; the pattern only when `pattern`.
Csr<float> read_csr(const NpzReader& npz, const std::string& key, bool pattern) {
  const Member shape_m = npz.member(key + "_shape");
  const std::vector<int64_t> shape = vector_of(shape_m, 2);
  if (shape[0] < 0 || shape[1] < 0 || shape[0] > INT32_MAX || shape[1] > INT32_MAX)
    fail(shape_m.source + ": shape " + std::to_string(shape[0]) + " x " + std::to_string(shape[1]) +
         " is out of range");
  const Member indptr_m = npz.member(key + "_indptr"), indices_m = npz.member(key + "_indices");
  const Member data_m = npz.member(key + "_data");
  const std::vector<int64_t> indptr = vector_of(indptr_m, shape[0] + 1);
  const std::vector<int64_t> indices = vector_of(indices_m);
  if (data_m.array.shape.size() != 1 || data_m.array.shape[0] != static_cast<int64_t>(indices.size()))
    fail_shape(data_m, "(" + std::to_string(indices.size()) + ",), one value per entry of " + key + "_indices");
  const std::vector<double> data = npy_doubles(data_m.array, data_m.source);
  if (indptr.front() != 0 || indptr.back() != static_cast<int64_t>(indices.size()))
    fail(indptr_m.source + ": runs from " + std::to_string(indptr.front()) + " to " + std::to_string(indptr.back()) +
         ", expected 0 to " + std::to_string(indices.size()) + " (the length of " + key + "_indices)");
  Csr<float> m;
  m.rows = shape[0];
  m.cols = shape[1];
  m.row_ptr.reserve(static_cast<size_t>(m.rows) + 1);
  m.row_ptr.push_back(0);
  for (int64_t r = 0; r < m.rows; ++r) {
    if (indptr[r + 1] < indptr[r])
      fail(indptr_m.source + ": element " + std::to_string(r + 1) + " is below the one before it");
    std::vector<std::pair<int32_t, float>> row;
    for (int64_t k = indptr[r]; k < indptr[r + 1]; ++k) {
      check_node_id(indices_m, static_cast<size_t>(k), indices[k], m.cols, "column");
      if (std::abs(data[k]) > std::numeric_limits<float>::max())
        fail(data_m.source + ": element " + std::to_string(k) + " does not fit a float");
      if (data[k] == 0) continue;
      row.emplace_back(static_cast<int32_t>(indices[k]), pattern ? 1.0f : static_cast<float>(data[k]));
    }
    std::sort(row.begin(), row.end());
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0 && row[i].first == row[i - 1].first) {
        if (pattern) continue;
        fail(indices_m.source + ": row " + std::to_string(r) + " holds column " + std::to_string(row[i].first) +
             " twice");
      }
      m.col.push_back(row[i].first);
      m.val.push_back(row[i].second);
    }
    m.row_ptr.push_back(static_cast<int64_t>(m.col.size()));
  }
  return m;
}

// A dense N x F matrix stored sparse (zeros dropped).
Csr<float> read_dense_rows(const Member& m, int64_t nodes) {
  if (m.array.shape.size() != 2 || (nodes >= 0 && m.array.shape[0] != nodes))
    fail_shape(m, nodes >= 0 ? "(" + std::to_string(nodes) + ", features)" : "(nodes, features)");
  if (m.array.shape[1] > INT32_MAX) fail_shape(m, "at most " + std::to_string(INT32_MAX) + " features");
  const std::vector<double> values = npy_doubles(m.array, m.source);
  Csr<float> x;
  x.rows = m.array.shape[0];
  x.cols = m.array.shape[1];
  x.row_ptr.push_back(0);
  for (int64_t r = 0; r < x.rows; ++r) {
    for (int64_t j = 0; j < x.cols; ++j) {
      const double v = values[static_cast<size_t>(r * x.cols + j)];
      if (std::abs(v) > std::numeric_limits<float>::max())
        fail(m.source + ": row " + std::to_string(r) + ", feature " + std::to_string(j) + " does not fit a float");
      if (v == 0) continue;
      x.col.push_back(static_cast<int32_t>(j));
      x.val.push_back(static_cast<float>(v));
    }
    x.row_ptr.push_back(static_cast<int64_t>(x.col.size()));
  }
  return x;
}

std::vector<int32_t> class_labels(const std::string& source, const std::vector<int64_t>& raw, int& classes) {
  int64_t max_label = -1;
  std::vector<int32_t> labels(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] < -1 || raw[i] >= kMaxClasses)
      fail(source + ": element " + std::to_string(i) + ": label " + std::to_string(raw[i]) +
           " is out of range (-1 for none, else 0 to " + std::to_string(kMaxClasses - 1) + ")");
    labels[i] = static_cast<int32_t>(raw[i]);
    max_label = std::max(max_label, raw[i]);
  }
  if (max_label < 0) fail(source + ": no node is labelled");
  classes = static_cast<int>(max_label + 1);
  return labels;
}

// labels (N,), or labels_* as CSR with at most one class per row (none: unlabelled).
std::vector<int32_t> shchur_labels(const NpzReader& npz, int64_t n, int& classes) {
  if (npz.has("labels")) {
    const Member m = npz.member("labels");
    return class_labels(m.source, vector_of(m, n), classes);
  }
  if (!npz.has("labels_indptr"))
    fail(npz.path() + ": no member labels.npy or labels_indptr.npy (" + npz.listing() + ")");
  const Csr<float> one_hot = read_csr(npz, "labels", true);
  const std::string source = npz.path() + ": member labels_indptr.npy";
  if (one_hot.rows != n)
    fail(source + ": " + std::to_string(one_hot.rows) + " rows for " + std::to_string(n) + " nodes");
  std::vector<int64_t> raw(static_cast<size_t>(n), -1);
  for (int64_t r = 0; r < n; ++r) {
    const int64_t entries = one_hot.row_ptr[r + 1] - one_hot.row_ptr[r];
    if (entries > 1)
      fail(source + ": node " + std::to_string(r) + " has " + std::to_string(entries) +
           " labels; gcnbench trains single-label classification");
    if (entries == 1) raw[r] = one_hot.col[one_hot.row_ptr[r]];
  }
  return class_labels(source, raw, classes);
}

Dataset load_shchur(const NpzReader& npz, Dataset data) {
  data.adjacency = read_csr(npz, "adj", true);
  if (data.adjacency.rows != data.adjacency.cols)
    fail(npz.path() + ": member adj_shape.npy: the adjacency is " + std::to_string(data.adjacency.rows) + " x " +
         std::to_string(data.adjacency.cols) + ", not square");
  data.num_nodes = checked_node_count(npz.path() + ": member adj_shape.npy", data.adjacency.rows);
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int64_t r = 0; r < data.num_nodes; ++r)
    for (int64_t k = data.adjacency.row_ptr[r]; k < data.adjacency.row_ptr[r + 1]; ++k)
      edges.emplace_back(static_cast<int32_t>(r), data.adjacency.col[k]);
  data.adjacency = adjacency_from_edges(data.num_nodes, edges);

  if (npz.has("attr_indptr")) {
    data.features = read_csr(npz, "attr", false);
  } else if (npz.has("attr_matrix") || npz.has("features")) {
    data.features = read_dense_rows(npz.member(npz.has("attr_matrix") ? "attr_matrix" : "features"), data.num_nodes);
  } else {
    fail(npz.path() +
         ": no features: expected attr_data/attr_indices/attr_indptr/attr_shape, attr_matrix or features (" +
         npz.listing() + ")");
  }
  if (data.features.rows != data.num_nodes)
    fail(npz.path() + ": the features have " + std::to_string(data.features.rows) + " rows for " +
         std::to_string(data.num_nodes) + " nodes");
  data.labels = shchur_labels(npz, data.num_nodes, data.num_classes);
  data.split = seeded_split(data.labels, data.num_classes, kSplitSeed);
  return data;
}

// train_masks / val_masks / test_masks: (N,) or (K, N), of which mask 0.
std::vector<int64_t> first_mask(const NpzReader& npz, const std::string& key, int64_t n) {
  const Member m = npz.member(key);
  const auto& shape = m.array.shape;
  const bool one = shape.size() == 1 && shape[0] == n, many = shape.size() == 2 && shape[1] == n && shape[0] >= 1;
  if (!one && !many) fail_shape(m, "(" + std::to_string(n) + ",) or (splits, " + std::to_string(n) + ")");
  std::vector<int64_t> mask = npy_integers(m.array, m.source);
  mask.resize(static_cast<size_t>(n));
  return mask;
}

Dataset load_heterophilous(const NpzReader& npz, Dataset data) {
  const Member features_m = npz.member("node_features");
  data.features = read_dense_rows(features_m, -1);
  data.num_nodes = checked_node_count(features_m.source, data.features.rows);
  const int64_t n = data.num_nodes;

  const Member edges_m = npz.member("edges");
  if (edges_m.array.shape.size() != 2 || edges_m.array.shape[1] != 2) fail_shape(edges_m, "(edges, 2)");
  const std::vector<int64_t> ends = npy_integers(edges_m.array, edges_m.source);
  std::vector<std::pair<int32_t, int32_t>> edges(ends.size() / 2);
  for (size_t e = 0; e < edges.size(); ++e) {
    check_node_id(edges_m, 2 * e, ends[2 * e], n, "node");
    check_node_id(edges_m, 2 * e + 1, ends[2 * e + 1], n, "node");
    edges[e] = {static_cast<int32_t>(ends[2 * e]), static_cast<int32_t>(ends[2 * e + 1])};
  }
  data.adjacency = adjacency_from_edges(n, edges);

  const Member labels_m = npz.member("node_labels");
  data.labels = class_labels(labels_m.source, vector_of(labels_m, n), data.num_classes);

  data.split.assign(static_cast<size_t>(n), Split::None);
  const std::pair<const char*, Split> masks[] = {
      {"train_masks", Split::Train}, {"val_masks", Split::Val}, {"test_masks", Split::Test}};
  for (const auto& [key, which] : masks) {
    const std::vector<int64_t> mask = first_mask(npz, key, n);
    for (int64_t i = 0; i < n; ++i) {
      if (!mask[i]) continue;
      if (data.split[i] != Split::None)
        fail(npz.path() + ": member " + key + ".npy: node " + std::to_string(i) + " is already in the " +
             split_name(data.split[i]) + " split");
      data.split[i] = which;
    }
  }
  return data;
}

}  // namespace

Dataset load_npz_dataset(const std::string& path) {
  const NpzReader npz(path);
  Dataset data;
  data.name = std::filesystem::path(path).stem().string();
  if (npz.has("adj_indptr")) {
    data = load_shchur(npz, std::move(data));
  } else if (npz.has("node_features") && npz.has("edges")) {
    data = load_heterophilous(npz, std::move(data));
  } else {
    fail(path +
         ": neither .npz layout: expected adj_data/adj_indices/adj_indptr/adj_shape (Shchur et al.) or "
         "node_features, node_labels, edges and *_masks (the heterophilous benchmarks); " +
         npz.listing());
  }
  data.num_features = data.features.cols;
  validate(data, path);
  return data;
}

}  // namespace gcn
