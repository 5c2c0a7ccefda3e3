// A whole distributed training run with P simulated ranks in one process (threads and the
// in-process communicator): how the CPU tests check the distributed step against cpu-ref, and
// how the communication volume of a graph is measured without GPUs.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/backend.hpp"
#include "backends/multigpu/aggregation.hpp"
#include "backends/multigpu/communicator.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::multigpu {

struct SimulatedRunOptions {
  int ranks = 2;
  ExchangeMode mode = ExchangeMode::Halo;
  int epochs = 20;
  uint64_t seed = 0;  // dropout masks
};

struct SimulatedRun {
  std::vector<EpochMetrics> epochs;  // rank 0's
  LossAndAccuracy test;              // eval-mode forward on the test split after the last epoch
  std::vector<CommStats> stats;      // per rank, whole run
  // Every rank reported exactly the same metrics and ends with exactly the same parameters
  // (replicated parameters must never drift apart).
  bool ranks_agree = true;
};

// Partitions the problem's adjacency by cost into options.ranks blocks, builds each rank's halo
// plan and trains from `initial` on every rank.
SimulatedRun train_simulated(const Problem& problem, const Parameters<float>& initial,
                             const SimulatedRunOptions& options);

}  // namespace gcn::multigpu
