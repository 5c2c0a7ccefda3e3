// A small random Problem built by hand (no loader, no normalize.cpp), for the export and peer
// tests: a ring plus random chords, A_hat = D^-1/2 (A + I) D^-1/2, sparse binary features
// row-normalized, random labels, nodes split train/val/test/none in turn.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "model/config.hpp"
#include "model/problem.hpp"

namespace gcn::testing {

inline Problem tiny_problem(uint64_t seed, int64_t num_nodes = 24, int64_t num_features = 10, int num_classes = 3,
                            const std::string& preset = "kipf") {
  std::mt19937_64 rng(seed);
  Problem p;
  p.dataset_name = "tiny-" + std::to_string(seed);
  p.config = preset_config(preset);
  p.num_nodes = num_nodes;
  p.num_features = num_features;
  p.num_classes = num_classes;

  std::vector<std::set<int32_t>> neighbours(static_cast<size_t>(num_nodes));
  const auto link = [&](int64_t a, int64_t b) {
    if (a == b) return;
    neighbours[a].insert(static_cast<int32_t>(b));
    neighbours[b].insert(static_cast<int32_t>(a));
  };
  std::uniform_int_distribution<int64_t> node(0, num_nodes - 1);
  for (int64_t i = 0; i < num_nodes; ++i) link(i, (i + 1) % num_nodes);
  for (int64_t e = 0; e < num_nodes / 2; ++e) link(node(rng), node(rng));
  for (int64_t i = 0; i < num_nodes; ++i) neighbours[i].insert(static_cast<int32_t>(i));  // + I

  p.adjacency.rows = p.adjacency.cols = num_nodes;
  p.adjacency.row_ptr.push_back(0);
  for (int64_t i = 0; i < num_nodes; ++i) {
    for (int32_t j : neighbours[i]) {
      p.adjacency.col.push_back(j);
      p.adjacency.val.push_back(static_cast<float>(1.0 / std::sqrt(double(neighbours[i].size()) * double(neighbours[j].size()))));
    }
    p.adjacency.row_ptr.push_back(p.adjacency.nnz());
  }

  std::bernoulli_distribution present(0.3);
  p.features.rows = num_nodes;
  p.features.cols = num_features;
  p.features.row_ptr.push_back(0);
  for (int64_t i = 0; i < num_nodes; ++i) {
    std::vector<int32_t> cols;
    for (int32_t f = 0; f < num_features; ++f)
      if (present(rng)) cols.push_back(f);
    for (int32_t f : cols) {
      p.features.col.push_back(f);
      p.features.val.push_back(1.0f / static_cast<float>(cols.size()));
    }
    p.features.row_ptr.push_back(p.features.nnz());
  }

  std::uniform_int_distribution<int32_t> label(0, num_classes - 1);
  for (int64_t i = 0; i < num_nodes; ++i) {
    const auto s = static_cast<Split>(i % 4 == 3 ? 0 : 1 + i % 4);  // train, val, test, none
    p.split.push_back(s);
    p.labels.push_back(s == Split::None && i % 8 == 3 ? -1 : label(rng));
  }
  p.num_train = std::count(p.split.begin(), p.split.end(), Split::Train);
  p.num_val = std::count(p.split.begin(), p.split.end(), Split::Val);
  p.num_test = std::count(p.split.begin(), p.split.end(), Split::Test);
  return p;
}

}  // namespace gcn::testing
