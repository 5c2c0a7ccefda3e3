// Random inputs for the distributed tests: general sparse matrices with empty rows and hub
// rows, and small learnable training problems whose last nodes have no edges, so that with 4
// ranks the last rank exchanges nothing and some rows of A_hat are empty.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "core/csr.hpp"
#include "model/problem.hpp"
#include "support/random_inputs.hpp"

namespace gcn::multigpu::testing {

using gcn::testing::fresh_seed;

struct RandomMatrixSpec {
  int64_t rows = 50;
  double density = 0.1;     // probability of each entry in a non-empty, non-hub row
  double empty_rows = 0.2;  // fraction of rows with no entries
  double hub_rows = 0.05;   // fraction of rows that are dense (power-law-like skew)
  uint64_t seed = 1;
};

// Square rows x rows CSR with ascending columns and values in [0.1, 1).
Csr<float> random_square_csr(const RandomMatrixSpec& spec);

// A planted partition the model can learn within the 20 epochs the curve test runs (a loss
// curve that stays flat would match cpu-ref trivially): labels are random per node, edges
// among the connected nodes mostly join nodes of one class, and each class has its own block of
// feature columns that its nodes use far more often than the others.
//
// The tail [connected_fraction * nodes, nodes) has no edges. Its rows weigh 2 (self loop + 1)
// in the partition's cost, the connected rows about degree + 2 (about 5 + 2 here), so with
// these defaults the tail holds well over a quarter of the total cost and rank 3 of 4 owns
// only tail rows: a rank with nothing to exchange.
struct DistProblemSpec {
  int64_t nodes = 160;
  double connected_fraction = 0.4;  // nodes [0, fraction * nodes) get random edges; the rest none
  double edge_probability = 0.08;   // mean probability of an edge between two connected nodes
  double homophily = 0.8;           // fraction of the expected edges that join same-class nodes
  int64_t features = 24;
  int classes = 4;
  int64_t rows_without_self_loop = 5;  // isolated nodes whose A_hat row is emptied entirely
  uint64_t seed = 1;
};

Problem random_dist_problem(const DistProblemSpec& spec, const ModelConfig& config);

}  // namespace gcn::multigpu::testing
