// The original linqs files (https://linqs.org/datasets/): `<name>.content`, one paper a line
// (`<paper_id> <0/1 x F> <class name>`), and `<name>.cites` beside it (`<cited> <citing>`).
// This is the data of the MLX-vs-CUDA GCN benchmark (TristanBilot/mlx-GCN), whose split is
// positional: train 0-139, val 200-499, test 500-1499 in file order.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/text_reader.hpp"

namespace gcn {
namespace {

using detail::Fields;
using detail::quoted;
using detail::TextReader;

constexpr int64_t kTrainEnd = 140, kValBegin = 200, kValEnd = 500, kTestEnd = 1500;

// Paper ids are free-form words ("31336", "bradshaw97introduction"), but a control byte (a NUL,
// a stray '\r' or form feed) means a damaged or binary file rather than an id.
void expect_paper_id(const TextReader& reader, std::string_view id, const char* what) {
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) reader.fail(std::string(what) + " " + quoted(id) + " contains a control character");
  }
}

}  // namespace

Dataset load_linqs_dataset(const std::string& content_path) {
  namespace fs = std::filesystem;
  const fs::path content(content_path);
  const std::string cites_path = fs::path(content).replace_extension(".cites").string();
  const std::string content_name = content.filename().string();

  TextReader reader(content_path);
  Dataset data;
  data.name = content.stem().string() + "-linqs";

  // Paper ids are arbitrary strings (citeseer has "bradshaw97introduction"); the views point
  // into reader's buffer, which lives until the end of this function.
  std::unordered_map<std::string_view, int32_t> node_of;
  std::vector<std::string_view> class_name_of_node;
  int64_t num_fields = -1;
  data.features.row_ptr.push_back(0);
  std::string_view line;
  while (reader.next_line(line)) {
    if (reader.line_number() > INT32_MAX) reader.fail("too many papers for 32-bit node ids");
    Fields fields(line);
    std::string_view paper, field, class_name;
    if (!fields.next(paper)) reader.fail("empty line; expected '<paper_id> <features...> <class>'");
    expect_paper_id(reader, paper, "paper id");
    int64_t count = 1;
    const auto node = static_cast<int32_t>(class_name_of_node.size());
    int32_t feature = 0;
    // The class is the last field, so each field is only known to be a feature once the next
    // one has been seen.
    bool have_pending = false;
    std::string_view pending;
    // Features are binary (bag of words). "1.0" is accepted as 1; anything else that is not 0 or
    // 1 is an error, since it means the file is not what this format promises.
    const auto add_feature = [&](std::string_view f) {
      bool one = f == "1";
      if (!one && f != "0") {  // the common cases, without from_chars
        double value = 0;
        if (!detail::parse_finite_double(f, value) || (value != 0 && value != 1))
          reader.fail("feature " + std::to_string(feature) + " is " + quoted(f) + ", not 0 or 1");
        one = value == 1;
      }
      if (one) data.features.col.push_back(feature);
      ++feature;
    };
    while (fields.next(field)) {
      ++count;
      if (have_pending) add_feature(pending);
      pending = field;
      have_pending = true;
    }
    if (count < 3) reader.fail("expected '<paper_id> <features...> <class>', got " + std::to_string(count) + " field(s)");
    class_name = pending;
    if (num_fields < 0) num_fields = count;
    if (count != num_fields)
      reader.fail(std::to_string(count) + " fields, but line 1 has " + std::to_string(num_fields) +
                  " (every paper needs the same number of features)");
    if (!node_of.emplace(paper, node).second)
      reader.fail("duplicate paper id " + quoted(paper) + " (first on line " + std::to_string(node_of[paper] + 1) + ")");
    class_name_of_node.push_back(class_name);
    data.features.row_ptr.push_back(static_cast<int64_t>(data.features.col.size()));
  }
  if (class_name_of_node.empty()) fail_at(content_path, 1, "empty file: no papers");
  data.num_nodes = static_cast<int64_t>(class_name_of_node.size());
  data.num_features = num_fields - 2;
  data.features.rows = data.num_nodes;
  data.features.cols = data.num_features;
  data.features.val.assign(data.features.col.size(), 1.0f);

  std::vector<std::string_view> classes(class_name_of_node);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  data.num_classes = static_cast<int>(classes.size());
  data.labels.reserve(class_name_of_node.size());
  for (std::string_view name : class_name_of_node)
    data.labels.push_back(static_cast<int32_t>(std::lower_bound(classes.begin(), classes.end(), name) - classes.begin()));

  if (data.num_nodes < kTestEnd)
    fail(content_path + ": " + std::to_string(data.num_nodes) +
         " papers, but the linqs split (train 0-139, val 200-499, test 500-1499 in file order) needs at least 1500");
  data.split.assign(static_cast<size_t>(data.num_nodes), Split::None);
  std::fill(data.split.begin(), data.split.begin() + kTrainEnd, Split::Train);
  std::fill(data.split.begin() + kValBegin, data.split.begin() + kValEnd, Split::Val);
  std::fill(data.split.begin() + kValEnd, data.split.begin() + kTestEnd, Split::Test);

  TextReader cites(cites_path);
  std::vector<std::pair<int32_t, int32_t>> edges;
  edges.reserve(cites.size_bytes() / 4 + 1);
  int64_t skipped = 0, first_skipped_line = 0;
  std::string first_skipped_id;
  while (cites.next_line(line)) {
    Fields fields(line);
    std::string_view cited, citing;
    if (!fields.next(cited) || !fields.next(citing)) cites.fail("expected '<cited_id> <citing_id>'");
    detail::expect_end(cites, fields, "'<cited_id> <citing_id>'");
    expect_paper_id(cites, cited, "cited paper id");
    expect_paper_id(cites, citing, "citing paper id");
    const auto a = node_of.find(cited);
    const auto b = node_of.find(citing);
    // The one tolerated inconsistency: the original citeseer.cites names papers that are not in
    // citeseer.content (the benchmark's own loader only ever read Cora, and would stop on them).
    // Such citations are dropped, counted and reported; a damaged line is still an error.
    if (a == node_of.end() || b == node_of.end()) {
      if (skipped++ == 0) {
        first_skipped_line = cites.line_number();
        first_skipped_id = std::string(a == node_of.end() ? cited : citing);
      }
      continue;
    }
    edges.emplace_back(a->second, b->second);
  }
  if (skipped > 0)
    std::fprintf(stderr, "gcnbench: skipped %lld citation(s) naming papers not in %s (the first: %s:%lld, %s)\n",
                 static_cast<long long>(skipped), content_name.c_str(), cites_path.c_str(),
                 static_cast<long long>(first_skipped_line), detail::quoted(first_skipped_id).c_str());
  data.adjacency = adjacency_from_edges(data.num_nodes, edges);  // symmetrised, no self loops or repeats
  validate(data, content_path);
  return data;
}

}  // namespace gcn
