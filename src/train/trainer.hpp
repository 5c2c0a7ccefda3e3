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

// How epochs are timed.
//  Auto:     PerEpoch for a synchronous backend (cpu, cpu-ref), PerRun for an asynchronous one.
//  PerEpoch: each epoch alone, its metrics read back (the device waited for) inside the timing.
//  PerRun:   the whole epoch loop and one read-back at its end, divided by the epochs.
//  Dispatch: each epoch alone, but only the host's issuing of it; the metrics are read back after
//            the clock stops. This is what the MLX-vs-CUDA benchmark timed on CUDA and MPS
//            (time() around the epoch, no synchronize): on a GPU it is not the time the work takes.
enum class Timing { Auto, PerEpoch, PerRun, Dispatch };

// "per-epoch", "per-run", "dispatch" (Auto resolves before anything is recorded).
const char* to_string(Timing timing);

struct TrainOptions {
  std::vector<uint64_t> seeds{0};
  // Epochs trained before the first run from a throwaway initialization, then discarded: they
  // absorb one-time costs (first-touch page faults, cache warm-up, CUDA module load, graph capture).
  int warmup_epochs = 0;
  Timing timing = Timing::Auto;
  // Start every run from these parameters instead of Glorot(seed) (used by verify).
  std::optional<Parameters<float>> initial_parameters;
};

struct RunResult {
  uint64_t seed = 0;
  Timing timing = Timing::PerEpoch;  // how epoch_ms was measured (never Auto)
  std::vector<EpochMetrics> epochs;
  std::vector<double> epoch_ms;  // one per epoch when timed per epoch, else empty
  double total_ms = 0;           // the whole epoch loop, synchronized at its end
  double epoch_ms_mean = 0;      // total_ms / epochs
  LossAndAccuracy test;
};

using EpochCallback = std::function<void(uint64_t seed, int epoch, const EpochMetrics&, std::optional<double> epoch_ms)>;
using RunCallback = std::function<void(const RunResult&)>;

// The timing a run of `backend` gets under `requested` (Auto resolved).
Timing resolve_timing(Timing requested, const Backend& backend);

// Trains one run per seed. Throws gcn::Error naming the seed and epoch if a loss becomes NaN/Inf,
// or the parameter if one does. Metrics of an empty val or test split are NaN: not computable.
std::vector<RunResult> train(Backend& backend, const Problem& problem, const TrainOptions& options,
                             const EpochCallback& on_epoch = {}, const RunCallback& on_run = {});

}  // namespace gcn
