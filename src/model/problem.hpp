// A training problem as every backend receives it: the dataset after GCN preprocessing, the
// model configuration and the labels. Built once per process, shared by all runs.
#pragma once

#include <string>
#include <vector>

#include "core/csr.hpp"
#include "data/dataset.hpp"
#include "model/config.hpp"

namespace gcn {

struct Problem {
  std::string dataset_name;
  ModelConfig config;
  int64_t num_nodes = 0;
  int64_t num_features = 0;
  int num_classes = 0;
  Csr<float> adjacency;          // A_hat = D^-1/2 (A + I) D^-1/2, symmetric
  Csr<float> features;           // row-normalized when config.row_normalize_features
  std::vector<int32_t> labels;   // -1: no label
  std::vector<Split> split;
  int64_t num_train = 0, num_val = 0, num_test = 0;

  std::vector<int64_t> widths() const { return layer_widths(config, num_features, num_classes); }
};

// `data` by value: callers that hand over a dataset they no longer need (std::move, or a loader's
// result) let its buffers be reused or freed early; others keep theirs and pay for a copy.
Problem make_problem(Dataset data, const ModelConfig& config);

}  // namespace gcn
