// The rows of `gcnbench bench`: which implementations, computations and timings run on each
// graph, and the command line of each of their runs. Planned here, before anything runs, so that
// every request error (a misspelt backend, peer or timing) stops bench at once.
#pragma once

#include <string>
#include <vector>

#include "bench/peers.hpp"
#include "bench/runner.hpp"
#include "model/config.hpp"

namespace gcn {

struct BenchPlanSettings {
  // The comma-list flags, split by CLI11 (its delimiter support).
  std::vector<std::string> backends = {"all"}, peers = {"all"}, peer_devices = {"cpu", "cuda", "mps"};
  std::vector<std::string> adj;          // empty: the preset's computation and the peers'
  std::vector<std::string> timing_list;  // per-epoch, per-run, dispatch
  bool per_run_timing = false;
  std::string peers_dir;
  std::string self;  // the gcnbench binary the backend rows run
  int warmup = 5, threads = 0, profile = 5;
};

// One graph as the rows see it: the words that select it on a child's command line, its name
// and its export (what the peers read).
struct PlannedSource {
  std::vector<std::string> words;
  std::string dataset, problem_dir;
};

// Throws gcn::Error for a --backends name that is no backend (a known one this build lacks is
// a skipped row, not an error).
void check_backend_names(const BenchPlanSettings& settings);

// --timing as a list: per-epoch (the default) and per-run time every row; dispatch adds rows
// for the implementations the MLX-vs-CUDA benchmark timed that way. Throws on an unknown word.
std::vector<std::string> bench_timings(const BenchPlanSettings& settings);

// --adj given: each of its modes with the preset's features. Else the preset's computation and
// every other one a selected peer uses (bench/peers.hpp), unless --features (in `model_args`)
// fixes the features of every row: then each peer's adjacency with those. Throws for a mode
// that is neither dense nor sparse.
std::vector<Computation> bench_computations(const BenchPlanSettings& settings, const ModelConfig& config,
                                            const std::vector<PeerSpec>& peers,
                                            const std::vector<std::string>& model_args);

// Every gcnbench backend x timing x computation on `source`; `model_args` pass on to each run.
std::vector<BenchRow> backend_rows(const BenchPlanSettings& settings, const PlannedSource& source,
                                   const std::vector<Computation>& modes, const std::vector<std::string>& model_args,
                                   const ModelConfig& config);

// Every selected peer x timing x device on `source`'s export, each `epochs` long.
std::vector<BenchRow> peer_rows(const BenchPlanSettings& settings, const PlannedSource& source, int epochs);

}  // namespace gcn
