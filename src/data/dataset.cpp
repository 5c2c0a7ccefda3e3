#include "data/dataset.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace gcn {

const char* split_name(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
    case Split::None: break;
  }
  return "none";
}

int64_t Dataset::count(Split s) const { return std::count(split.begin(), split.end(), s); }

void validate(const Dataset& data, const std::string& source) {
  const auto bad = [&](const std::string& message) { fail(source + ": " + message); };
  if (data.num_nodes <= 0) bad("the graph has no nodes");
  if (data.num_classes <= 0) bad("the dataset has no classes");
  if (data.features.rows != data.num_nodes || data.features.cols != data.num_features)
    bad("feature matrix is " + std::to_string(data.features.rows) + " x " + std::to_string(data.features.cols) +
        ", expected " + std::to_string(data.num_nodes) + " x " + std::to_string(data.num_features));
  if (data.adjacency.rows != data.num_nodes || data.adjacency.cols != data.num_nodes) bad("adjacency size mismatch");
  if (static_cast<int64_t>(data.labels.size()) != data.num_nodes) bad("label count differs from node count");
  if (static_cast<int64_t>(data.split.size()) != data.num_nodes) bad("split count differs from node count");
  for (float v : data.features.val)
    if (!std::isfinite(v)) bad("a feature value is not finite");
  for (int64_t i = 0; i < data.num_nodes; ++i) {
    const int32_t label = data.labels[i];
    if (label < -1 || label >= data.num_classes) bad("node " + std::to_string(i) + " has label " + std::to_string(label) + " out of range");
    if (label == -1 && data.split[i] != Split::None)
      bad("node " + std::to_string(i) + " is in the " + split_name(data.split[i]) + " split but has no label");
  }
  for (int64_t r = 0; r < data.num_nodes; ++r)
    for (int64_t k = data.adjacency.row_ptr[r]; k < data.adjacency.row_ptr[r + 1]; ++k)
      if (data.adjacency.col[k] == r) bad("adjacency has a self loop on node " + std::to_string(r));
  if (data.count(Split::Train) == 0) bad("no node is in the train split");
}

}  // namespace gcn
