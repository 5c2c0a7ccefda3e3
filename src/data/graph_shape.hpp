// The sizes of a graph that decide how much memory a run takes, known before the graph is
// built: read off a loaded dataset, or expected from a synthetic spec.
#pragma once

#include <cstdint>

#include "core/memory_item.hpp"
#include "data/dataset.hpp"
#include "data/loaders.hpp"

namespace gcn {

struct GraphShape {
  int64_t nodes = 0;
  int64_t features = 0;
  int classes = 0;
  int64_t adjacency_entries = 0;  // stored entries of the raw adjacency: both directions, no self loops
  int64_t feature_entries = 0;    // stored entries of X
  int64_t train = 0, val = 0, test = 0;
  bool expected = false;  // from a synthetic spec (counts are expectations), not a loaded graph
};

GraphShape shape_of(const Dataset& data);
// The generator's expected counts; adjacency and feature entries are upper bounds (repeats are
// dropped after drawing), the split counts exact.
GraphShape expected_shape(const SyntheticSpec& spec);

// The dataset as loaded (adjacency, features, labels, split).
MemoryItems dataset_memory(const GraphShape& shape, const std::string& source);
// What generate_synthetic holds at its peak, the dataset it returns included.
MemoryItems synthetic_generation_memory(const GraphShape& shape, const std::string& spec_text);

}  // namespace gcn
