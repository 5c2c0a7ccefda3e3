#include "model/problem.hpp"

#include "core/error.hpp"
#include "data/normalize.hpp"

namespace gcn {

Problem make_problem(Dataset data, const ModelConfig& config) {
  Problem p;
  p.dataset_name = data.name;
  p.config = config;
  p.num_nodes = data.num_nodes;
  p.num_features = data.num_features;
  p.num_classes = data.num_classes;
  p.num_train = data.count(Split::Train);
  p.num_val = data.count(Split::Val);
  p.num_test = data.count(Split::Test);
  if (p.num_train == 0) fail("dataset '" + data.name + "' has no training nodes");
  // Each part of the dataset is freed or moved as soon as the problem has what it needs from it,
  // so that a large graph's peak memory is the dataset plus A_hat, not the dataset plus the whole
  // problem (docs/benchmarks.md, "Measurements behind code choices").
  p.adjacency = normalized_adjacency(data.adjacency);
  data.adjacency = {};
  p.features = config.row_normalize_features ? row_normalized(std::move(data.features)) : std::move(data.features);
  p.labels = std::move(data.labels);
  p.split = std::move(data.split);
  return p;
}

}  // namespace gcn
