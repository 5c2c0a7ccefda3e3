#include "support/random_problem.hpp"

#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "data/loaders.hpp"

namespace gcn::testing {

Problem random_problem(const RandomProblemSpec& spec, const ModelConfig& config) {
  Rng rng(spec.seed);
  Dataset data;
  data.name = "random-" + std::to_string(spec.seed);
  data.num_nodes = spec.nodes;
  data.num_features = spec.features;
  data.num_classes = spec.classes;
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int32_t u = 0; u < spec.nodes; ++u)
    for (int32_t v = u + 1; v < spec.nodes; ++v)
      if (rng.uniform() < spec.edge_probability) edges.emplace_back(u, v);
  data.adjacency = adjacency_from_edges(spec.nodes, edges);
  data.features.rows = spec.nodes;
  data.features.cols = spec.features;
  data.features.row_ptr.push_back(0);
  for (int64_t r = 0; r < spec.nodes; ++r) {
    for (int32_t c = 0; c < spec.features; ++c) {
      if (rng.uniform() < spec.feature_density) {
        data.features.col.push_back(c);
        data.features.val.push_back(static_cast<float>(rng.uniform(0.1, 2.0)));
      }
    }
    data.features.row_ptr.push_back(data.features.nnz());
  }
  for (int64_t i = 0; i < spec.nodes; ++i) {
    data.labels.push_back(static_cast<int32_t>(rng.below(static_cast<uint64_t>(spec.classes))));
    // Cycle train, train, val, test, none so every split is present in small graphs.
    static const Split pattern[] = {Split::Train, Split::Train, Split::Val, Split::Test, Split::None};
    data.split.push_back(pattern[i % 5]);
  }
  return make_problem(data, config);
}

std::string shared_dataset_dir(const std::string& name) {
  const char* env = std::getenv("GCNBENCH_SHARED_DATA");
  const std::string root = env && *env ? env : std::string(GCNBENCH_SOURCE_DIR) + "/../shared/data";
  const std::string dir = root + "/" + name;
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

}  // namespace gcn::testing
