#include "data/graph_shape.hpp"

#include <algorithm>
#include <cmath>

namespace gcn {

GraphShape shape_of(const Dataset& data) {
  GraphShape s;
  s.nodes = data.num_nodes;
  s.features = data.num_features;
  s.classes = data.num_classes;
  s.adjacency_entries = data.adjacency.nnz();
  s.feature_entries = data.features.nnz();
  s.train = data.count(Split::Train);
  s.val = data.count(Split::Val);
  s.test = data.count(Split::Test);
  return s;
}

GraphShape expected_shape(const SyntheticSpec& spec) {
  GraphShape s;
  s.nodes = spec.nodes;
  s.features = spec.features;
  s.classes = spec.classes;
  // Every node draws degree/2 endpoints on average and each edge is stored in both rows.
  s.adjacency_entries = static_cast<int64_t>(std::ceil(spec.degree * static_cast<double>(spec.nodes)));
  const double per_row = spec.feature_density >= 1 ? static_cast<double>(spec.features)
                                                   : spec.feature_density * static_cast<double>(spec.features);
  s.feature_entries = static_cast<int64_t>(std::ceil(per_row * static_cast<double>(spec.nodes)));
  const SyntheticSplitCounts split = synthetic_split_counts(spec);
  s.train = split.train;
  s.val = split.val;
  s.test = split.test;
  s.expected = true;
  return s;
}

MemoryItems dataset_memory(const GraphShape& s, const std::string& source) {
  const auto n = static_cast<uint64_t>(s.nodes);
  return {
      {"raw adjacency (CSR)", csr_bytes(s.nodes, s.adjacency_entries), source},
      {"raw features (CSR)", csr_bytes(s.nodes, s.feature_entries), source},
      {"labels and split", n * (sizeof(int32_t) + sizeof(Split)), ""},
  };
}

MemoryItems synthetic_generation_memory(const GraphShape& s, const std::string& spec_text) {
  const auto n = static_cast<uint64_t>(s.nodes);
  const auto entries = static_cast<uint64_t>(s.adjacency_entries);
  const std::string driver = "--synthetic " + spec_text;
  // While the adjacency is compacted its column array exists twice (shrink_to_fit copies), beside
  // the labels, the class-grouped node list and the row offsets; at the end the whole dataset
  // and the node list are held. The larger of the two is the generator's peak.
  const uint64_t building = n * 8 + entries * 2 * sizeof(int32_t) + n * 2 * sizeof(int32_t);
  MemoryItems finished = dataset_memory(s, driver);
  finished.push_back({"generator's class-grouped nodes and column permutation",
                      n * sizeof(int32_t) + static_cast<uint64_t>(s.features) * 2 * sizeof(int32_t), ""});
  if (building > total_bytes(finished))
    return {{"adjacency under construction (columns twice while compacted, row offsets, labels)", building, driver}};
  return finished;
}

}  // namespace gcn
