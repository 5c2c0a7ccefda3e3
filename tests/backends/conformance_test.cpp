// One conformance suite over every backend: each case is written once and runs on every backend
// that this build has and this machine can run (cpu; cuda with a GPU; cpu-ref and cpu as
// simulated ranks, backends/multigpu; cuda as one rank of --gpus 1 over NCCL), against cpu-ref
// (the oracle). A case is a model
// configuration; the claim is the same for all of them: 20 epochs with dropout 0.5 from the same
// Glorot seed give every epoch's train and val loss, and the final test loss, within 1e-4
// relative of cpu-ref's.
//
// Why 1e-4: the dropout masks are identical by construction (Philox keyed by seed, layer, epoch,
// element); what differs is fp32 summation order (~1e-6 relative per product; cuBLAS without
// TF32), which 20 Adam steps grow but not past 1e-4.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>

#include "backends/backend.hpp"
#if GCNBENCH_HAVE_NCCL
#include "backends/multigpu/nccl/nccl_communicator.hpp"
#endif
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

constexpr const char* kGraph = "nodes=400,degree=6,features=122,classes=5,density=0.1";  // 122: rows that pad to a multiple of 4

struct ConformanceCase {
  std::string name;
  ModelConfig config;
  std::string graph = kGraph;  // the synthetic spec, without its seed
  uint64_t fixed_seed = 0;     // 0: a fresh seed every run (GCNBENCH_TEST_SEED overrides both)
};

// gtest prints a failing case's parameter with this instead of its bytes.
void PrintTo(const ConformanceCase& c, std::ostream* os) { *os << c.name; }

ModelConfig base_config(const char* preset) {
  ModelConfig config = preset_config(preset);
  config.dropout = 0.5;
  config.epochs = 20;
  return config;
}

std::vector<ConformanceCase> all_cases() {
  std::vector<ConformanceCase> cases;
  // Every combination of adjacency, feature format, bias placement and input dropout, 2 layers.
  for (auto adj : {AdjacencyMode::Sparse, AdjacencyMode::Dense})
    for (auto feat : {FeatureMode::Sparse, FeatureMode::Dense})
      for (bool before : {false, true})
        for (bool input : {false, true}) {
          ModelConfig c = base_config("kipf");
          c.adjacency = adj;
          c.features = feat;
          c.bias_before_aggregation = before;
          c.input_dropout = input;
          // At lr 0.01 some seeds' 20-epoch curves (dropout noise) end within 2% of where
          // they began, and the "the loss moved" check below would fail on them.
          c.lr = 0.03;
          cases.push_back({std::string(to_string(adj)) + "Adj_" + to_string(feat) + "Features_" +
                               (before ? "BiasBefore" : "BiasAfter") + (input ? "_InputDropout" : ""),
                           c});
        }
  // Other depths: 1 layer (no hidden activations at all), 3 (the mlx-gcn preset's), 4.
  for (int layers : {1, 3, 4})
    for (auto adj : {AdjacencyMode::Sparse, AdjacencyMode::Dense})
      for (auto feat : {FeatureMode::Sparse, FeatureMode::Dense}) {
        ModelConfig c = base_config("kipf");
        c.layers = layers;
        c.adjacency = adj;
        c.features = feat;
        c.bias_before_aggregation = layers % 2 == 1;
        c.lr = 0.03;
        // Deep ReLU stacks amplify fp32 differences chaotically once a pre-activation lands
        // within rounding of 0 (tests/backends/multigpu says more). Four layers under dropout 0.5 at lr 0.03:
        // one seed in ten parted from cpu-ref past 1e-4 within 20 epochs (without dropout at lr
        // 0.01, one in a hundred); three layers: about one in thirty. Not a bug, so these cases
        // run on fixed seeds, as tests/backends/multigpu does (GCNBENCH_TEST_SEED still overrides them).
        uint64_t fixed_seed = 0;
        if (layers >= 3) fixed_seed = 4000 + cases.size();
        if (layers == 4) c.dropout = 0, c.lr = 0.01;
        cases.push_back({std::to_string(layers) + "Layers_" + to_string(adj) + "Adj_" + to_string(feat) + "Features", c,
                         kGraph, fixed_seed});
      }
  // The mlx-gcn preset as it is (3 layers, dropout after each hidden layer, bias before
  // aggregation, val metrics from the training forward), and with sparse adjacency.
  for (auto adj : {AdjacencyMode::Dense, AdjacencyMode::Sparse}) {
    ModelConfig c = base_config("mlx-gcn");
    c.adjacency = adj;
    cases.push_back({std::string("MlxGcnPreset_") + to_string(adj) + "Adj", c});
  }
  // A last layer wider than the hidden one with the bias after aggregation: the cuda backend
  // aggregates first there (logits = (A H) W + b), at every depth that has a hidden layer. 24
  // classes over hidden 16 (a hidden layer narrower than 5 classes barely learns under dropout).
  for (int layers : {2, 3})
    for (auto adj : {AdjacencyMode::Sparse, AdjacencyMode::Dense}) {
      ModelConfig c = base_config("kipf");
      c.layers = layers;
      c.lr = 0.03;
      c.adjacency = adj;
      c.features = adj == AdjacencyMode::Sparse ? FeatureMode::Sparse : FeatureMode::Dense;
      cases.push_back({"WideningLastLayer_" + std::to_string(layers) + "Layers_" + to_string(adj) + "Adj", c,
                       "nodes=400,degree=6,features=122,classes=24,density=0.1",
                       layers >= 3 ? 5000 + cases.size() : 0});  // fixed seeds at 3 layers: see above
    }
  return cases;
}

struct Curve {
  LossAndAccuracy initial_test;  // eval mode, before the first step
  std::vector<EpochMetrics> epochs;
  LossAndAccuracy test;
};

Curve train_curve(Backend& backend, const Problem& problem, uint64_t seed) {
  backend.load(problem);
  backend.reset(glorot_parameters(problem.widths(), problem.config.bias, seed), seed);
  Curve curve;
  curve.initial_test = backend.evaluate(Split::Test);
  for (int e = 0; e < problem.config.epochs; ++e) backend.train_epoch(e);
  curve.epochs = backend.collect_metrics();
  curve.test = backend.evaluate(Split::Test);
  return curve;
}

double relative(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1e-12); }

// The backends under test: every compiled one but the oracle (cuda is listed even in a build
// without it, so that its absence shows as a skip, not as silence), then the multi-rank form of
// the host backends ("cpu-ref@3": `--backend cpu-ref --ranks 3`) and cuda's one-process-per-GPU
// form at one GPU ("cuda@1": a rank of `--backend cuda --gpus 1`, over NCCL).
std::vector<std::string> backends_under_test() {
  std::vector<std::string> names;
  for (const auto& name : compiled_backends())
    if (name != "cpu-ref") names.push_back(name);
  if (std::find(names.begin(), names.end(), "cuda") == names.end()) names.push_back("cuda");
  names.push_back("cpu-ref@3");
  if (std::find(names.begin(), names.end(), "cpu") != names.end()) names.push_back("cpu@2");
  names.push_back("cuda@1");
  return names;
}

// "cpu@2" -> ("cpu", ranks 2); "cuda@1" -> ("cuda", rank 0 of 1 GPU, a fresh rendezvous file);
// "cuda" -> ("cuda", one device).
std::pair<std::string, BackendOptions> backend_under_test(const std::string& entry) {
  BackendOptions options;
  const size_t at = entry.find('@');
  if (at == std::string::npos) return {entry, options};
  const std::string name = entry.substr(0, at);
  const int count = std::stoi(entry.substr(at + 1));
  if (name != "cuda") {
    options.ranks = count;
    return {name, options};
  }
  static int launches = 0;
  options.gpus = count;
  options.rendezvous = (std::filesystem::temp_directory_path() / ("gcnbench-conformance-" + std::to_string(getpid()) +
                                                                   "-" + std::to_string(++launches)))
                           .string();
  return {name, options};
}

// Why a multi-process form cannot run here, beyond its backend's own reason.
std::string group_unavailable_reason(const BackendOptions& options) {
  if (options.gpus == 0) return {};
#if GCNBENCH_HAVE_NCCL
  if (const std::string why = multigpu::NcclCommunicator::unavailable_reason(); !why.empty()) return "NCCL: " + why;
  return {};
#else
  return "built without nccl.h: --gpus has no communicator";
#endif
}

std::string unavailable_reason(const std::string& backend) {
  std::vector<std::string> unavailable;
  for (const auto& name : available_backends(&unavailable))
    if (name == backend) return {};
  for (const auto& line : unavailable)
    if (line.starts_with(backend + ": ")) return line;
  return backend + ": not compiled into this build";
}

using Param = std::tuple<std::string, ConformanceCase>;

class BackendConformance : public ::testing::TestWithParam<Param> {};

TEST_P(BackendConformance, LossCurveMatchesCpuRef) {
  const auto& [entry, c] = GetParam();
  const auto [backend_name, options] = backend_under_test(entry);
  if (const std::string why = unavailable_reason(backend_name); !why.empty()) GTEST_SKIP() << why;
  if (const std::string why = group_unavailable_reason(options); !why.empty()) GTEST_SKIP() << why;
  if ((options.ranks > 0 || options.gpus > 0) && c.config.adjacency == AdjacencyMode::Dense)
    GTEST_SKIP() << "ranks split the sparse adjacency by rows: --ranks and --gpus take --adj sparse only";
  const uint64_t seed = c.fixed_seed && !std::getenv("GCNBENCH_TEST_SEED") ? c.fixed_seed : testing::fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  // Sparse bag-of-words features (density 0.1), so that the dense and sparse feature modes differ.
  const Dataset data = generate_synthetic(parse_synthetic_spec(c.graph + ",seed=" + std::to_string(seed)));
  const Problem problem = make_problem(data, c.config);
  ASSERT_EQ(static_cast<int>(problem.widths().size()), c.config.layers + 1);

  auto reference = make_backend("cpu-ref", {});
  auto backend = make_backend(backend_name, options);
  const Curve want = train_curve(*reference, problem, seed);
  const Curve got = train_curve(*backend, problem, seed);
  if (!options.rendezvous.empty()) std::filesystem::remove(options.rendezvous);
  ASSERT_EQ(got.epochs.size(), want.epochs.size());
  const double one_val_node = 1.0 / static_cast<double>(std::max<int64_t>(problem.num_val, 1));
  for (size_t e = 0; e < want.epochs.size(); ++e) {
    EXPECT_LE(relative(got.epochs[e].train_loss, want.epochs[e].train_loss), 1e-4) << "epoch " << e;
    EXPECT_LE(relative(got.epochs[e].val_loss, want.epochs[e].val_loss), 1e-4) << "epoch " << e;
    // An argmax may flip on a near-tie under the same 1e-6 differences: one node at most.
    EXPECT_LE(std::abs(got.epochs[e].val_acc - want.epochs[e].val_acc), one_val_node + 1e-12) << "epoch " << e;
  }
  EXPECT_LE(relative(got.test.loss, want.test.loss), 1e-4);
  EXPECT_LE(relative(got.initial_test.loss, want.initial_test.loss), 1e-5);
  // The parameters must really move, or the comparison above proves little: the eval-mode loss
  // (no dropout noise in it) changes by 10x the tolerance, so a backend that failed to update
  // would fail the check above. (Deep and narrow models often end 20 epochs near their first
  // train loss on this graph, so that is not the measure; at 100x the tolerance about one
  // seed in 400 of the widening three-layer case moved too little.)
  EXPECT_GT(relative(want.test.loss, want.initial_test.loss), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendConformance,
                         ::testing::Combine(::testing::ValuesIn(backends_under_test()), ::testing::ValuesIn(all_cases())),
                         [](const auto& info) {
                           std::string backend = std::get<0>(info.param);
                           std::replace(backend.begin(), backend.end(), '-', '_');
                           if (const size_t at = backend.find('@'); at != std::string::npos)
                             backend = backend.substr(0, at) + (backend.starts_with("cuda") ? "_gpus" : "_ranks") +
                                       backend.substr(at + 1);
                           return backend + "_" + std::get<1>(info.param).name;
                         });

}  // namespace
}  // namespace gcn
