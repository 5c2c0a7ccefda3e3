// Weighted features (`id:value` in features.txt) through every backend: a graph written in the
// text format with real-valued, signed features, read back by the loader, trains on cpu-ref,
// cpu and (with a GPU) cuda to the same 20-epoch loss curve, within the conformance suite's 1e-4,
// with the values used raw and row-normalized.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "data/data_test_util.hpp"
#include "data/loaders.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

// A synthetic graph's structure and labels, with features of random sign and size, in the text
// format: every feature entry is written `id:value`.
void write_weighted(const testing::TempDir& dir, uint64_t seed) {
  const Dataset d =
      generate_synthetic(parse_synthetic_spec("nodes=150,degree=5,features=30,classes=3,seed=" + std::to_string(seed)));
  std::mt19937_64 rng(seed);
  // Mostly positive, some small negative values: signed features whose row sums (the row
  // normalization's divisors) stay away from zero.
  std::uniform_real_distribution<double> positive(0.5, 2.0), negative(-0.1, 0.0);
  std::bernoulli_distribution is_negative(0.2);
  const auto value = [&](std::mt19937_64& g) { return is_negative(g) ? negative(g) : positive(g); };
  std::ostringstream meta, edges, features, labels, split;
  meta << "nodes " << d.num_nodes << "\nfeatures " << d.num_features << "\nclasses " << d.num_classes << "\nedges "
       << d.num_undirected_edges() << "\ntrain " << d.count(Split::Train) << "\nval " << d.count(Split::Val)
       << "\ntest " << d.count(Split::Test) << "\n";
  for (int64_t u = 0; u < d.num_nodes; ++u) {
    for (int64_t k = d.adjacency.row_ptr[u]; k < d.adjacency.row_ptr[u + 1]; ++k)
      if (u < d.adjacency.col[k]) edges << u << " " << d.adjacency.col[k] << "\n";
    for (int64_t k = d.features.row_ptr[u]; k < d.features.row_ptr[u + 1]; ++k)
      features << (k > d.features.row_ptr[u] ? " " : "") << d.features.col[k] << ":" << value(rng);
    features << "\n";
    labels << d.labels[u] << "\n";
    split << split_name(d.split[u]) << "\n";
  }
  dir.write("meta.txt", meta.str());
  dir.write("edges.txt", edges.str());
  dir.write("features.txt", features.str());
  dir.write("labels.txt", labels.str());
  dir.write("split.txt", split.str());
}

std::vector<EpochMetrics> curve(const std::string& backend_name, const Problem& problem, uint64_t seed) {
  auto backend = make_backend(backend_name, {});
  backend->load(problem);
  backend->reset(glorot_parameters(problem.widths(), problem.config.bias, seed), seed);
  for (int e = 0; e < problem.config.epochs; ++e) backend->train_epoch(e);
  return backend->collect_metrics();
}

TEST(WeightedFeatures, TrainTheSameCurveOnEveryBackend) {
  const uint64_t seed = testing::fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  testing::TempDir dir;
  write_weighted(dir, seed);
  const Dataset data = load_text_dataset(dir.path());
  ASSERT_TRUE(std::any_of(data.features.val.begin(), data.features.val.end(), [](float v) { return v < 0; }));
  std::vector<std::string> unavailable;
  const std::vector<std::string> backends = available_backends(&unavailable);
  for (const auto& why : unavailable) std::printf("not compared here: %s\n", why.c_str());
  for (const bool normalize : {false, true}) {
    ModelConfig config = preset_config("kipf");
    config.epochs = 20;
    config.row_normalize_features = normalize;
    const Problem problem = make_problem(data, config);
    const auto want = curve("cpu-ref", problem, seed);
    for (const auto& name : backends) {
      if (name == "cpu-ref") continue;
      SCOPED_TRACE(name + (normalize ? ", row-normalized" : ", raw values"));
      const auto got = curve(name, problem, seed);
      ASSERT_EQ(got.size(), want.size());
      for (size_t e = 0; e < want.size(); ++e) {
        const double scale = std::max(std::abs(want[e].train_loss), 1e-12);
        EXPECT_LE(std::abs(got[e].train_loss - want[e].train_loss) / scale, 1e-4) << "epoch " << e;
      }
    }
  }
}

}  // namespace
}  // namespace gcn
