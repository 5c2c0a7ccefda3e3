// The hand-written backward of the reference GCN against central finite differences, in
// float64, over every parameter and every combination of model options. Dropout is on, with
// its masks held fixed (same seed and epoch for every evaluation).
#include <gtest/gtest.h>

#include <cmath>

#include "backends/cpu_ref/gcn.hpp"
#include "core/rng.hpp"
#include "support/random_problem.hpp"

namespace gcn {
namespace {

struct Variant {
  AdjacencyMode adjacency;
  FeatureMode features;
  bool bias_before;
  bool input_dropout;
  int layers;
};

std::string describe(const Variant& v) {
  return std::string("adj=") + to_string(v.adjacency) + " features=" + to_string(v.features) +
         " bias_before=" + std::to_string(v.bias_before) + " input_dropout=" + std::to_string(v.input_dropout) +
         " layers=" + std::to_string(v.layers);
}

// Norm-wise relative error ||analytic - numeric|| / ||numeric||.
double relative_error(const std::vector<double>& analytic, const std::vector<double>& numeric) {
  double diff = 0, ref = 0;
  for (size_t i = 0; i < analytic.size(); ++i) {
    diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
    ref += numeric[i] * numeric[i];
  }
  return std::sqrt(diff) / std::max(std::sqrt(ref), 1e-300);
}

void check_gradients(const Variant& v, uint64_t seed) {
  ModelConfig config;
  config.adjacency = v.adjacency;
  config.features = v.features;
  config.bias_before_aggregation = v.bias_before;
  config.input_dropout = v.input_dropout;
  config.layers = v.layers;
  config.hidden = 5;
  config.dropout = 0.3;
  const Problem problem = testing::random_problem({.nodes = 14, .features = 6, .classes = 3, .seed = seed}, config);
  Parameters<double> params = cast_parameters<double>(glorot_parameters(problem.widths(), true, seed));
  // Non-zero biases so their gradients flow through non-trivial paths.
  Rng rng(seed + 100);
  for (auto& b : params.biases)
    for (double& x : b) x = rng.uniform(-0.5, 0.5);

  ref::ReferenceGcn<double> model(problem);
  const uint64_t dropout_seed = seed * 7 + 3;
  const int epoch = 4;
  Parameters<double> grads;
  model.forward_backward(params, dropout_seed, epoch, grads);
  const auto loss_at = [&](const Parameters<double>& p) {
    return model.forward(p, dropout_seed, epoch, true, Split::Train).loss;
  };

  const double h = 1e-6;
  const auto numeric_gradient = [&](std::vector<double>& values) {
    std::vector<double> numeric(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const double saved = values[i];
      values[i] = saved + h;
      const double plus = loss_at(params);
      values[i] = saved - h;
      const double minus = loss_at(params);
      values[i] = saved;
      numeric[i] = (plus - minus) / (2 * h);
    }
    return numeric;
  };
  for (int l = 0; l < params.num_layers(); ++l) {
    const std::vector<double> numeric_w = numeric_gradient(params.weights[l].data);
    const std::vector<double> numeric_b = numeric_gradient(params.biases[l]);
    // 1e-6: central differences with h = 1e-6 in float64 are accurate to ~1e-9 here (truncation
    // h^2 and rounding eps/h); a wrong backward is off by O(1).
    EXPECT_LT(relative_error(grads.weights[l].data, numeric_w), 1e-6) << describe(v) << " W" << l << " seed " << seed;
    EXPECT_LT(relative_error(grads.biases[l], numeric_b), 1e-6) << describe(v) << " b" << l << " seed " << seed;
  }
}

TEST(GradientCheck, EveryParameterEveryVariantFloat64) {
  uint64_t seed = 11;
  for (AdjacencyMode adjacency : {AdjacencyMode::Sparse, AdjacencyMode::Dense})
    for (FeatureMode features : {FeatureMode::Sparse, FeatureMode::Dense})
      for (bool bias_before : {false, true})
        for (bool input_dropout : {false, true})
          for (int layers : {1, 2, 3}) check_gradients({adjacency, features, bias_before, input_dropout, layers}, ++seed);
}

TEST(GradientCheck, DetectsAWrongGradient) {
  // The check itself must be able to fail: perturb one analytic entry and see the error jump.
  std::vector<double> analytic{1.0, 2.0, 3.0}, numeric{1.0, 2.0, 3.0};
  EXPECT_LT(relative_error(analytic, numeric), 1e-12);
  analytic[1] += 1e-3;
  EXPECT_GT(relative_error(analytic, numeric), 1e-6);
}

}  // namespace
}  // namespace gcn
