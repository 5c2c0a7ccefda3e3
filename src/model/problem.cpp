#include "model/problem.hpp"

#include "core/error.hpp"
#include "data/normalize.hpp"

namespace gcn {

Problem make_problem(const Dataset& data, const ModelConfig& config) {
  Problem p;
  p.dataset_name = data.name;
  p.config = config;
  p.num_nodes = data.num_nodes;
  p.num_features = data.num_features;
  p.num_classes = data.num_classes;
  p.adjacency = normalized_adjacency(data.adjacency);
  p.features = config.row_normalize_features ? row_normalized(data.features) : data.features;
  p.labels = data.labels;
  p.split = data.split;
  p.num_train = data.count(Split::Train);
  p.num_val = data.count(Split::Val);
  p.num_test = data.count(Split::Test);
  if (p.num_train == 0) fail("dataset '" + data.name + "' has no training nodes");
  return p;
}

}  // namespace gcn
