#include "backends/multigpu/multigpu_test_util.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "data/dataset.hpp"
#include "data/loaders.hpp"

namespace gcn::multigpu::testing {

Csr<float> random_square_csr(const RandomMatrixSpec& spec) {
  Rng rng(spec.seed);
  Csr<float> a;
  a.rows = a.cols = spec.rows;
  a.row_ptr.push_back(0);
  for (int64_t r = 0; r < spec.rows; ++r) {
    const double u = rng.uniform();
    const double p = u < spec.empty_rows ? 0.0 : u < spec.empty_rows + spec.hub_rows ? 0.9 : spec.density;
    for (int32_t c = 0; c < spec.rows; ++c)
      if (p > 0 && rng.uniform() < p) {
        a.col.push_back(c);
        a.val.push_back(static_cast<float>(rng.uniform(0.1, 1.0)));
      }
    a.row_ptr.push_back(a.nnz());
  }
  return a;
}

Problem random_dist_problem(const DistProblemSpec& spec, const ModelConfig& config) {
  Rng rng(spec.seed);
  Dataset data;
  data.name = "dist-random-" + std::to_string(spec.seed);
  data.num_nodes = spec.nodes;
  data.num_features = spec.features;
  data.num_classes = spec.classes;
  for (int64_t i = 0; i < spec.nodes; ++i)
    data.labels.push_back(static_cast<int32_t>(rng.below(static_cast<uint64_t>(spec.classes))));

  // Same-class pairs are about 1/classes of all pairs: scale both probabilities so that a
  // `homophily` share of the expected edges stays inside a class at the same mean density.
  const double same_share = 1.0 / spec.classes;
  const double p_same = spec.edge_probability * spec.homophily / same_share;
  const double p_other = spec.edge_probability * (1 - spec.homophily) / (1 - same_share);
  const auto connected = static_cast<int32_t>(spec.connected_fraction * static_cast<double>(spec.nodes));
  std::vector<std::pair<int32_t, int32_t>> edges;
  for (int32_t u = 0; u < connected; ++u)
    for (int32_t v = u + 1; v < connected; ++v)
      if (rng.uniform() < (data.labels[u] == data.labels[v] ? p_same : p_other)) edges.emplace_back(u, v);
  data.adjacency = adjacency_from_edges(spec.nodes, edges);

  // Class c's own columns are [c * block, (c + 1) * block): used with probability 0.6, the
  // others with 0.1.
  const int64_t block = std::max<int64_t>(1, spec.features / spec.classes);
  data.features.rows = spec.nodes;
  data.features.cols = spec.features;
  data.features.row_ptr.push_back(0);
  for (int64_t r = 0; r < spec.nodes; ++r) {
    for (int32_t c = 0; c < spec.features; ++c)
      if (rng.uniform() < (c / block == data.labels[r] ? 0.6 : 0.1)) {
        data.features.col.push_back(c);
        data.features.val.push_back(static_cast<float>(rng.uniform(0.5, 2.0)));
      }
    data.features.row_ptr.push_back(data.features.nnz());
  }
  static const Split pattern[] = {Split::Train, Split::Train, Split::Val, Split::Test, Split::None};
  for (int64_t i = 0; i < spec.nodes; ++i) data.split.push_back(pattern[i % 5]);
  Problem problem = make_problem(data, config);

  // Empty some isolated nodes' rows of A_hat (their self loop) so that truly empty rows occur;
  // the model's semantics do not need A_hat to have a diagonal.
  Csr<float>& a = problem.adjacency;
  Csr<float> pruned;
  pruned.rows = a.rows;
  pruned.cols = a.cols;
  pruned.row_ptr.push_back(0);
  for (int64_t r = 0; r < a.rows; ++r) {
    const bool empty = r >= connected && (r - connected) % 7 == 3 && (r - connected) / 7 < spec.rows_without_self_loop;
    if (!empty)
      for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
        pruned.col.push_back(a.col[k]);
        pruned.val.push_back(a.val[k]);
      }
    pruned.row_ptr.push_back(pruned.nnz());
  }
  a = std::move(pruned);
  return problem;
}

}  // namespace gcn::multigpu::testing
