// OGB's node-property directories (ogb/io/README.md of snap-stanford/ogb), as a download unpacks:
// raw/num-node-list.csv.gz (the node count), raw/edge.csv.gz (`u,v` per row, one direction per
// pair for undirected graphs), raw/node-feat.csv.gz (a row of comma-separated floats per node;
// optional), raw/node-label.csv.gz (a class per node, empty or nan for none), and the official
// split in split/<name>/{train,valid,test}.csv.gz (a node id per row). Every file may also be a
// plain .csv. Errors name the file and line, as the text format's do.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "data/gzip_file.hpp"
#include "data/loaders.hpp"
#include "data/text_reader.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;
using detail::parse_finite_double;
using detail::parse_int;
using detail::quoted;
using detail::TextReader;

// NAME.csv.gz, else NAME.csv, in `dir`; empty when neither exists.
std::string csv_file(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  for (const std::string suffix : {".csv.gz", ".csv"})
    if (fs::is_regular_file(dir / (name + suffix), ec)) return (dir / (name + suffix)).string();
  return {};
}

std::string required_csv(const fs::path& dir, const std::string& name) {
  const std::string path = csv_file(dir, name);
  if (path.empty()) fail((dir / (name + ".csv.gz")).string() + ": not found (an OGB node-property directory has it)");
  return path;
}

TextReader open_csv(const std::string& path) { return TextReader(path, read_gzip_file(path)); }

// The comma-separated fields of a line.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

int64_t node_id(const TextReader& reader, std::string_view field, int64_t nodes) {
  int64_t id = 0;
  if (!parse_int(field, id)) reader.fail("node id " + quoted(field) + " is not an integer");
  if (id < 0 || id >= nodes)
    reader.fail("node id " + std::to_string(id) + " is out of range [0, " + std::to_string(nodes - 1) + "]");
  return id;
}

int64_t read_node_count(const std::string& path) {
  TextReader reader = open_csv(path);
  std::string_view line;
  if (!reader.next_line(line)) fail(path + ": empty; it holds the node count");
  int64_t n = 0;
  if (!parse_int(line, n) || n < 1 || n > INT32_MAX)
    reader.fail("node count " + quoted(line) + " is not a whole number in [1, " + std::to_string(INT32_MAX) + "]");
  return n;
}

Csr<float> read_edges(const std::string& path, int64_t n) {
  TextReader reader = open_csv(path);
  std::vector<std::pair<int32_t, int32_t>> edges;
  std::string_view line;
  while (reader.next_line(line)) {
    if (line.empty()) continue;
    const auto f = fields_of(line);
    if (f.size() != 2) reader.fail("expected `u,v`, got " + std::to_string(f.size()) + " fields");
    edges.emplace_back(static_cast<int32_t>(node_id(reader, f[0], n)), static_cast<int32_t>(node_id(reader, f[1], n)));
  }
  return adjacency_from_edges(n, edges);
}

Csr<float> read_node_features(const std::string& path, int64_t n) {
  TextReader reader = open_csv(path);
  Csr<float> x;
  x.rows = n;
  x.row_ptr.push_back(0);
  std::string_view line;
  while (reader.line_number() < n && reader.next_line(line)) {
    const auto f = fields_of(line);
    if (reader.line_number() == 1) x.cols = static_cast<int64_t>(f.size());
    if (static_cast<int64_t>(f.size()) != x.cols)
      reader.fail(std::to_string(f.size()) + " features; the first row has " + std::to_string(x.cols));
    for (size_t j = 0; j < f.size(); ++j) {
      double v = 0;
      if (!parse_finite_double(f[j], v) || std::abs(v) > std::numeric_limits<float>::max())
        reader.fail("feature " + std::to_string(j) + ": " + quoted(f[j]) + " is not a finite float");
      if (v == 0) continue;  // stored sparse; zeros are implied
      x.col.push_back(static_cast<int32_t>(j));
      x.val.push_back(static_cast<float>(v));
    }
    x.row_ptr.push_back(static_cast<int64_t>(x.col.size()));
  }
  if (reader.line_number() < n || !reader.at_end())
    fail(path + ": " + std::to_string(reader.line_number()) + " rows or more for the " + std::to_string(n) +
         " nodes of num-node-list; one row per node");
  return x;
}

std::vector<int32_t> read_labels(const std::string& path, int64_t n, int& classes) {
  TextReader reader = open_csv(path);
  std::vector<int32_t> labels;
  std::string_view line;
  int64_t max_label = -1;
  while (reader.line_number() < n && reader.next_line(line)) {
    int64_t label = -1;
    double v = 0;
    if (line.empty() || line == "nan" || line == "NaN") {
      label = -1;
    } else if (parse_int(line, label)) {
    } else if (parse_finite_double(line, v) && v == std::floor(v)) {
      label = static_cast<int64_t>(v);  // "4.0"
    } else {
      reader.fail("label " + quoted(line) + " is not a class number (or empty / nan for none)");
    }
    if (label < -1 || label >= (1 << 20)) reader.fail("label " + std::to_string(label) + " is out of range");
    max_label = std::max(max_label, label);
    labels.push_back(static_cast<int32_t>(label));
  }
  if (static_cast<int64_t>(labels.size()) != n || !reader.at_end())
    fail(path + ": " + std::to_string(labels.size()) + " rows or more for the " + std::to_string(n) +
         " nodes of num-node-list; one row per node");
  if (max_label < 0) fail(path + ": no node is labelled");
  classes = static_cast<int>(max_label + 1);
  return labels;
}

void read_split(const std::string& path, int64_t n, Split which, std::vector<Split>& split) {
  TextReader reader = open_csv(path);
  std::string_view line;
  while (reader.next_line(line)) {
    if (line.empty()) continue;
    const int64_t id = node_id(reader, line, n);
    if (split[id] != Split::None)
      reader.fail("node " + std::to_string(id) + " is already in the " + split_name(split[id]) + " split");
    split[id] = which;
  }
}

}  // namespace

Dataset load_ogb_dataset(const std::string& dir_path) {
  const fs::path dir(dir_path), raw = dir / "raw";
  const int64_t n = read_node_count(required_csv(raw, "num-node-list"));
  Dataset data;
  data.name = dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
  data.num_nodes = n;
  data.adjacency = read_edges(required_csv(raw, "edge"), n);
  const std::string feat = csv_file(raw, "node-feat");
  if (feat.empty()) fail((raw / "node-feat.csv.gz").string() + ": not found; gcnbench needs node features");
  data.features = read_node_features(feat, n);
  data.num_features = data.features.cols;
  data.labels = read_labels(required_csv(raw, "node-label"), n, data.num_classes);

  std::vector<fs::path> splits;
  std::error_code ec;
  if (fs::is_directory(dir / "split", ec))
    for (const auto& entry : fs::directory_iterator(dir / "split", ec))
      if (entry.is_directory()) splits.push_back(entry.path());
  if (splits.size() != 1)
    fail((dir / "split").string() + ": expected one split directory (the dataset's official split), found " +
         std::to_string(splits.size()));
  data.split.assign(static_cast<size_t>(n), Split::None);
  read_split(required_csv(splits.front(), "train"), n, Split::Train, data.split);
  read_split(required_csv(splits.front(), "valid"), n, Split::Val, data.split);
  read_split(required_csv(splits.front(), "test"), n, Split::Test, data.split);
  validate(data, dir_path);
  return data;
}

}  // namespace gcn
