// The training loop, written once against the Backend interface: runs, epochs, timing,
// warm-up, NaN detection. Everything that prints lives in the CLI; this only measures.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "backends/backend.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn {

struct TrainOptions {
  std::vector<uint64_t> seeds{0};
  // Epochs trained before the first run from a throwaway initialization, then discarded: they
  // absorb one-time costs (first-touch page faults, cache warm-up, CUDA module load, graph capture).
  int warmup_epochs = 0;
  // Read metrics back after every epoch even from an asynchronous backend (then every epoch
  // is timed on its own); otherwise an asynchronous backend is timed per run.
  bool sync_every_epoch = false;
  // Start every run from these parameters instead of Glorot(seed) (used by verify).
  std::optional<Parameters<float>> initial_parameters;
};

struct RunResult {
  uint64_t seed = 0;
  std::vector<EpochMetrics> epochs;
  std::vector<double> epoch_ms;  // one per epoch when timed per epoch, else empty
  double total_ms = 0;           // the whole epoch loop, synchronized at its end
  double epoch_ms_mean = 0;      // total_ms / epochs
  EvalMetrics test;
};

using EpochCallback = std::function<void(uint64_t seed, int epoch, const EpochMetrics&, std::optional<double> epoch_ms)>;
using RunCallback = std::function<void(const RunResult&)>;

// Trains one run per seed. Throws gcn::Error naming the seed and epoch if a loss becomes NaN/Inf.
std::vector<RunResult> train(Backend& backend, const Problem& problem, const TrainOptions& options,
                             const EpochCallback& on_epoch = {}, const RunCallback& on_run = {});

}  // namespace gcn
