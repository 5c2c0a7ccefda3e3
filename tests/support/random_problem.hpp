// Small random problems for tests: a random symmetric graph, random sparse features, labels and
// a split, built by hand (not through the loaders) so model tests do not depend on them.
#pragma once

#include <cstdint>
#include <string>

#include "model/problem.hpp"

namespace gcn::testing {

struct RandomProblemSpec {
  int64_t nodes = 12;
  int64_t features = 7;
  int classes = 3;
  double edge_probability = 0.3;
  double feature_density = 0.4;
  uint64_t seed = 1;
};

// A Problem from a random Dataset through the real preprocessing (make_problem).
Problem random_problem(const RandomProblemSpec& spec, const ModelConfig& config);

// Where the shared plain-text datasets live: $GCNBENCH_SHARED_DATA, else ../shared/data
// beside the repository. Empty when the directory of `name` does not exist.
std::string shared_dataset_dir(const std::string& name);

}  // namespace gcn::testing
