// The edge-list format (README "Data formats"): edges.txt (`u v` per line), labels.txt beside it
// (`id label`), optionally features.txt (`id index:value ...`). Ids are any non-negative
// integers; nodes are numbered by ascending id. Graphs in this form come without a split, so
// one is drawn with a fixed seed (split_of). Parsing is as strict as the text format's: every
// complaint names the file and line.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/loaders.hpp"
#include "data/text_reader.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;
using detail::FeatureEntry;
using detail::Fields;
using detail::for_each_feature_entry;
using detail::parse_int;
using detail::quoted;
using detail::TextReader;

constexpr int64_t kMaxClasses = 1 << 20;
constexpr int kDegreeFeatures = 64;  // one-hot degree without features.txt: degrees 0..62, then 63+

// A line without its comment (from '#' on).
std::string_view without_comment(std::string_view line) {
  const size_t hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

int64_t read_id(const TextReader& reader, Fields& fields, const char* what) {
  std::string_view field;
  if (!fields.next(field)) reader.fail(std::string("missing ") + what);
  int64_t id = 0;
  if (!parse_int(field, id)) reader.fail(std::string(what) + " " + quoted(field) + " is not an integer");
  if (id < 0) reader.fail(std::string(what) + " " + std::to_string(id) + " is negative");
  return id;
}

void expect_no_more(const TextReader& reader, Fields& fields, const char* after) {
  std::string_view extra;
  if (fields.next(extra)) reader.fail("unexpected " + quoted(extra) + " after " + after);
}

struct RawGraph {
  std::vector<std::pair<int64_t, int64_t>> edges;
  std::vector<std::pair<int64_t, int64_t>> labels;  // (id, label)
  struct Row {
    int64_t id;
    std::vector<FeatureEntry> entries;
  };
  std::vector<Row> features;
  bool has_features = false;
};

void read_edges(const std::string& path, RawGraph& g) {
  TextReader reader(path);
  std::string_view line;
  while (reader.next_line(line)) {
    Fields fields(without_comment(line));
    if (fields.empty()) continue;
    const int64_t u = read_id(reader, fields, "node id");
    const int64_t v = read_id(reader, fields, "node id");
    expect_no_more(reader, fields, "the edge's two node ids");
    g.edges.emplace_back(u, v);
  }
  if (g.edges.empty()) fail(path + ": no edges (each line `u v`, whitespace-separated; `#` starts a comment)");
}

void read_labels(const std::string& path, RawGraph& g) {
  TextReader reader(path);
  std::string_view line;
  while (reader.next_line(line)) {
    Fields fields(without_comment(line));
    if (fields.empty()) continue;
    const int64_t id = read_id(reader, fields, "node id");
    const int64_t label = read_id(reader, fields, "label");
    if (label >= kMaxClasses)
      reader.fail("label " + std::to_string(label) + " is beyond the " + std::to_string(kMaxClasses) +
                  " classes this format takes (labels are class numbers 0, 1, ...)");
    expect_no_more(reader, fields, "the node id and its label");
    g.labels.emplace_back(id, label);
  }
}

void read_features(const std::string& path, RawGraph& g) {
  TextReader reader(path);
  std::string_view line;
  while (reader.next_line(line)) {
    Fields fields(without_comment(line));
    if (fields.empty()) continue;
    RawGraph::Row row{read_id(reader, fields, "node id"), {}};
    for_each_feature_entry(reader, fields, INT32_MAX, [&](const FeatureEntry& e) { row.entries.push_back(e); });
    g.features.push_back(std::move(row));
  }
  g.has_features = true;
}

// Numbers every id that appears anywhere by its rank among them.
std::unordered_map<int64_t, int32_t> number_nodes(const RawGraph& g, std::vector<int64_t>& ids) {
  for (const auto& [u, v] : g.edges) ids.insert(ids.end(), {u, v});
  for (const auto& [id, label] : g.labels) ids.push_back(id);
  for (const auto& row : g.features) ids.push_back(row.id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (static_cast<int64_t>(ids.size()) > INT32_MAX)
    fail("edge list: " + std::to_string(ids.size()) + " distinct node ids; at most " + std::to_string(INT32_MAX));
  std::unordered_map<int64_t, int32_t> index;
  index.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], static_cast<int32_t>(i));
  return index;
}

}  // namespace

std::vector<Split> seeded_split(const std::vector<int32_t>& labels, int num_classes, uint64_t seed) {
  std::vector<int32_t> labelled;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) labelled.push_back(static_cast<int32_t>(i));
  Rng rng(seed);
  for (size_t i = labelled.size(); i > 1; --i) std::swap(labelled[i - 1], labelled[rng.below(i)]);
  std::vector<Split> split(labels.size(), Split::None);
  std::vector<int64_t> per_class(static_cast<size_t>(num_classes), 0);
  std::vector<int32_t> rest;
  for (const int32_t node : labelled) {
    int64_t& taken = per_class[static_cast<size_t>(labels[node])];
    if (taken < kSplitTrainPerClass) {
      ++taken;
      split[node] = Split::Train;
    } else {
      rest.push_back(node);
    }
  }
  const int64_t r = static_cast<int64_t>(rest.size());
  const int64_t val = std::min<int64_t>(kSplitVal, r / 3);
  const int64_t test = std::min<int64_t>(kSplitTest, r - val);
  for (int64_t i = 0; i < val + test; ++i) split[rest[static_cast<size_t>(i)]] = i < val ? Split::Val : Split::Test;
  return split;
}

Dataset load_edge_list_dataset(const std::string& edges_path) {
  const fs::path dir = fs::path(edges_path).parent_path();
  const std::string labels_path = (dir / "labels.txt").string(), features_path = (dir / "features.txt").string();
  std::error_code ec;
  if (!fs::is_regular_file(labels_path, ec))
    fail(edges_path +
         ": an edge list needs labels.txt beside it (`id label` per line; nodes without a line are "
         "unlabelled): " +
         labels_path + " not found");
  RawGraph g;
  read_edges(edges_path, g);
  read_labels(labels_path, g);
  if (fs::is_regular_file(features_path, ec)) read_features(features_path, g);

  std::vector<int64_t> ids;
  const auto index = number_nodes(g, ids);
  Dataset data;
  data.name = fs::path(edges_path).parent_path().filename().string();
  if (data.name.empty()) data.name = fs::path(edges_path).stem().string();
  data.num_nodes = static_cast<int64_t>(ids.size());
  std::vector<std::pair<int32_t, int32_t>> edges;
  edges.reserve(g.edges.size());
  for (const auto& [u, v] : g.edges) edges.emplace_back(index.at(u), index.at(v));
  g.edges = {};
  data.adjacency = adjacency_from_edges(data.num_nodes, edges);

  data.labels.assign(static_cast<size_t>(data.num_nodes), -1);
  int64_t max_label = -1;
  for (const auto& [id, label] : g.labels) {
    int32_t& slot = data.labels[static_cast<size_t>(index.at(id))];
    if (slot >= 0) fail(labels_path + ": node " + std::to_string(id) + " has more than one label line");
    slot = static_cast<int32_t>(label);
    max_label = std::max(max_label, label);
  }
  if (max_label < 0) fail(labels_path + ": no labelled node");
  data.num_classes = static_cast<int>(max_label + 1);

  Csr<float>& x = data.features;
  x.rows = data.num_nodes;
  x.row_ptr.assign(static_cast<size_t>(data.num_nodes) + 1, 0);
  if (g.has_features) {
    std::vector<const RawGraph::Row*> row_of(static_cast<size_t>(data.num_nodes), nullptr);
    int64_t max_feature = -1;
    for (const auto& row : g.features) {
      const RawGraph::Row*& slot = row_of[static_cast<size_t>(index.at(row.id))];
      if (slot) fail(features_path + ": node " + std::to_string(row.id) + " has more than one features line");
      slot = &row;
      for (const auto& e : row.entries) max_feature = std::max(max_feature, e.id);
    }
    x.cols = std::max<int64_t>(max_feature + 1, 1);
    for (int64_t i = 0; i < data.num_nodes; ++i) {
      if (const RawGraph::Row* row = row_of[static_cast<size_t>(i)])
        for (const auto& e : row->entries) {
          x.col.push_back(static_cast<int32_t>(e.id));
          x.val.push_back(e.value);
        }
      x.row_ptr[static_cast<size_t>(i) + 1] = static_cast<int64_t>(x.col.size());
    }
  } else {
    // One-hot degree (PyG's OneHotDegree, capped): what a GCN can learn from structure alone.
    int64_t max_degree = 0;
    for (int64_t i = 0; i < data.num_nodes; ++i)
      max_degree = std::max(max_degree, data.adjacency.row_ptr[i + 1] - data.adjacency.row_ptr[i]);
    x.cols = std::min<int64_t>(max_degree + 1, kDegreeFeatures);
    for (int64_t i = 0; i < data.num_nodes; ++i) {
      const int64_t degree = data.adjacency.row_ptr[i + 1] - data.adjacency.row_ptr[i];
      x.col.push_back(static_cast<int32_t>(std::min(degree, x.cols - 1)));
      x.val.push_back(1.0f);
      x.row_ptr[static_cast<size_t>(i) + 1] = i + 1;
    }
  }
  data.num_features = x.cols;
  data.split = seeded_split(data.labels, data.num_classes, kSplitSeed);
  validate(data, edges_path);
  return data;
}

}  // namespace gcn
