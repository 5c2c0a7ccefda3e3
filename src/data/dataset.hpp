// A node-classification graph as loaded from disk or generated: the raw graph, before the
// GCN preprocessing of normalize.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/csr.hpp"

namespace gcn {

enum class Split : uint8_t { None = 0, Train = 1, Val = 2, Test = 3 };

const char* split_name(Split split);

struct Dataset {
  std::string name;                    // "cora", "citeseer", "synthetic-n10000-d10-..."
  int64_t num_nodes = 0;
  int64_t num_features = 0;
  int num_classes = 0;
  Csr<float> features;                 // num_nodes x num_features, raw values (binary for Cora)
  Csr<float> adjacency;                // num_nodes x num_nodes, symmetric, binary, no self loops
  std::vector<int32_t> labels;         // num_nodes entries, class id or -1 (no label)
  std::vector<Split> split;            // num_nodes entries

  int64_t count(Split s) const;
  int64_t num_undirected_edges() const { return adjacency.nnz() / 2; }
};

// Checks the invariants every loader must establish (sizes agree, ids in range, adjacency
// symmetric without self loops, every train/val/test node labelled, values finite); throws
// gcn::Error naming `source` otherwise.
void validate(const Dataset& data, const std::string& source);

}  // namespace gcn
