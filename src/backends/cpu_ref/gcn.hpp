// The GCN of backend.hpp in plain loops: forward, loss, hand-written backward and Adam, for
// any floating type. cpu-ref runs it in float; the gradient check runs it in double. Its buffers
// are mirrored by cpu_ref_memory_footprint (memory_footprint.cpp): keep the two in step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cpu_ref/ops.hpp"
#include "backends/step_profile.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::ref {

template <typename T>
class ReferenceGcn {
 public:
  explicit ReferenceGcn(const Problem& problem)
      : problem_(&problem), config_(problem.config), widths_(problem.widths()),
        adjacency_(cast_csr<T>(problem.adjacency)), features_(cast_csr<T>(problem.features)),
        dropped_features_(features_) {
    const char* hint = "use --adj sparse";
    if (config_.adjacency == AdjacencyMode::Dense) dense_adjacency_ = to_dense(adjacency_, "dense adjacency", hint);
    if (config_.features == FeatureMode::Dense)
      dense_features_ = to_dense(features_, "dense feature matrix", "use --features sparse");
    const int64_t n = problem.num_nodes;
    for (int l = 0; l < num_layers(); ++l) {
      inputs_.emplace_back(l == 0 && config_.features == FeatureMode::Sparse ? 0 : n, widths_[l]);
      z_.emplace_back(n, widths_[l + 1]);
      p_.emplace_back(n, widths_[l + 1]);
      outputs_.emplace_back(n, widths_[l + 1]);
    }
  }

  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }
  const Matrix<T>& logits() const { return p_.back(); }

  // Set by the backend while it profiles an epoch: each step is marked on it, named with the
  // prefix ("" for the training pass, "val " for the validation forward).
  StepClock* clock = nullptr;
  std::string step_prefix;

  // Forward pass; dropout (masks keyed by seed, epoch) only when `training`. Returns the
  // loss and accuracy over the nodes of `split`.
  LossAndAccuracy forward(const Parameters<T>& params, uint64_t seed, int epoch, bool training, Split split) {
    const int64_t n = problem_->num_nodes;
    for (int l = 0; l < num_layers(); ++l) {
      const int64_t in_w = widths_[l], out_w = widths_[l + 1];
      const bool drop = training && config_.dropout > 0 && (l > 0 || config_.input_dropout);
      const auto layer = static_cast<uint32_t>(l);
      const auto ep = static_cast<uint32_t>(epoch);
      if (l == 0 && config_.features == FeatureMode::Sparse) {
        if (drop) dropout_csr(features_, dropped_features_, config_.dropout, seed, layer, ep);
        if (drop) mark(step(layer_step(l + 1, "input dropout"), "dropout", features_.nnz(), 0, 1));
        spmm(drop ? dropped_features_ : features_, params.weights[0].data.data(), out_w, z_[0].data.data());
        mark(step(layer_step(l + 1, "product"), "spmm", n, in_w, out_w, features_.nnz()));
      } else {
        const T* input = l == 0 ? dense_features_.data.data() : outputs_[l - 1].data.data();
        T* dropped = inputs_[l].data.data();
        if (drop) {
          dropout(input, dropped, n, in_w, config_.dropout, seed, layer, ep);
        } else {
          std::copy(input, input + n * in_w, dropped);
        }
        mark(drop ? step(layer_step(l + 1, "dropout"), "dropout", n, 0, in_w) : step(layer_step(l + 1, "input copy"), "copy", n * in_w, 0, 0));
        gemm(dropped, params.weights[l].data.data(), z_[l].data.data(), n, in_w, out_w);
        mark(step(layer_step(l + 1, "product"), "gemm", n, in_w, out_w));
      }
      const bool has_bias = config_.bias;
      if (has_bias && config_.bias_before_aggregation) {
        add_bias(z_[l].data.data(), params.biases[l].data(), n, out_w);
        mark(step(layer_step(l + 1, "bias"), "bias", n, 0, out_w));
      }
      aggregate(z_[l].data.data(), p_[l].data.data(), out_w);
      mark(aggregate_step(layer_step(l + 1, "aggregate"), out_w));
      if (has_bias && !config_.bias_before_aggregation) {
        add_bias(p_[l].data.data(), params.biases[l].data(), n, out_w);
        mark(step(layer_step(l + 1, "bias"), "bias", n, 0, out_w));
      }
      if (l + 1 < num_layers()) {
        relu_forward(p_[l].data.data(), outputs_[l].data.data(), n * out_w);
        mark(step(layer_step(l + 1, "relu"), "relu", n, 0, out_w));
      }
    }
    const LossAndAccuracy result = softmax_cross_entropy(p_.back().data.data(), n, widths_.back(), problem_->labels,
                                                         problem_->split, split, static_cast<T*>(nullptr));
    mark(step("loss", "softmax_cross_entropy", n, 0, widths_.back()));
    return result;
  }

  // Training forward and backward: returns the train loss/accuracy, and the val rows' of the same
  // logits; `grads` receives the gradient of the mean train loss (no weight decay: the optimizer
  // adds it).
  SplitMetrics forward_backward(const Parameters<T>& params, uint64_t seed, int epoch, Parameters<T>& grads) {
    const LossAndAccuracy train = forward(params, seed, epoch, true, Split::Train);
    const int64_t n = problem_->num_nodes;
    if (grads.weights.empty()) grads = zeros_like(params);
    Matrix<T> d_out(n, widths_.back());  // gradient w.r.t. P_l, then reused per layer
    softmax_cross_entropy(p_.back().data.data(), n, widths_.back(), problem_->labels, problem_->split, Split::Train,
                          d_out.data.data());
    mark(step("loss gradient", "softmax_cross_entropy", n, 0, widths_.back(), 0, problem_->num_train));
    for (int l = num_layers() - 1; l >= 0; --l) {
      const int64_t in_w = widths_[l], out_w = widths_[l + 1];
      const bool has_bias = config_.bias;
      if (has_bias && !config_.bias_before_aggregation) {
        bias_backward(d_out.data.data(), grads.biases[l].data(), n, out_w);
        mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n, 0, out_w));
      }
      Matrix<T> d_z(n, out_w);
      aggregate_transposed(d_out.data.data(), d_z.data.data(), out_w);
      mark(aggregate_step(layer_step(l + 1, "aggregate gradient"), out_w));
      if (has_bias && config_.bias_before_aggregation) {
        bias_backward(d_z.data.data(), grads.biases[l].data(), n, out_w);
        mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n, 0, out_w));
      }
      if (l == 0 && config_.features == FeatureMode::Sparse) {
        const bool drop = config_.dropout > 0 && config_.input_dropout;
        spmm_transposed(drop ? dropped_features_ : features_, d_z.data.data(), out_w, grads.weights[0].data.data());
        mark(step(layer_step(l + 1, "weight gradient"), "spmm", in_w, n, out_w, features_.nnz()));
      } else {
        gemm_at_b(inputs_[l].data.data(), d_z.data.data(), grads.weights[l].data.data(), n, in_w, out_w);
        mark(step(layer_step(l + 1, "weight gradient"), "gemm_at_b", n, in_w, out_w));
      }
      if (l == 0) break;
      // Gradient w.r.t. H_l = relu(P_{l-1}): through W_l^T, dropout's mask, then the ReLU.
      Matrix<T> d_in(n, in_w);
      gemm_a_bt(d_z.data.data(), params.weights[l].data.data(), d_in.data.data(), n, out_w, in_w);
      mark(step(layer_step(l + 1, "input gradient"), "gemm_a_bt", n, in_w, out_w));
      if (config_.dropout > 0)
        dropout(d_in.data.data(), d_in.data.data(), n, in_w, config_.dropout, seed, static_cast<uint32_t>(l),
                static_cast<uint32_t>(epoch));
      relu_backward(outputs_[l - 1].data.data(), d_in.data.data(), n * in_w);
      mark(step(layer_step(l, "activation gradient"), "relu_dropout_backward", n, 0, in_w));
      d_out = std::move(d_in);
    }
    return {train, metrics_of_last_forward(Split::Val)};
  }

  // Eval-mode forward (no dropout), metrics over `split`.
  LossAndAccuracy evaluate(const Parameters<T>& params, Split split) { return forward(params, 0, 0, false, split); }

  // Loss and accuracy of the logits currently held (from the last forward) over `split`.
  LossAndAccuracy metrics_of_last_forward(Split split) const {
    return softmax_cross_entropy(p_.back().data.data(), problem_->num_nodes, widths_.back(), problem_->labels,
                                 problem_->split, split, static_cast<T*>(nullptr));
  }


 private:
  void mark(StepTime s) {
    if (!clock) return;
    s.step = step_prefix + s.step;
    clock->mark(std::move(s));
  }
  // The step of an aggregation (or its transpose) at `width` columns, sparse or dense.
  StepTime aggregate_step(std::string where, int64_t width) const {
    const int64_t n = problem_->num_nodes;
    if (config_.adjacency == AdjacencyMode::Dense) return step(std::move(where), "gemm", n, n, width);
    return step(std::move(where), "spmm", n, 0, width, adjacency_.nnz());
  }

  // out = A_hat * in (width columns), sparse or dense as configured.
  void aggregate(const T* in, T* out, int64_t width) const {
    if (config_.adjacency == AdjacencyMode::Dense) {
      const int64_t n = problem_->num_nodes;
      gemm(dense_adjacency_.data.data(), in, out, n, n, width);
    } else {
      spmm(adjacency_, in, width, out);
    }
  }
  // out = A_hat^T * in. A_hat is symmetric, but the oracle does not rely on it.
  void aggregate_transposed(const T* in, T* out, int64_t width) const {
    if (config_.adjacency == AdjacencyMode::Dense) {
      const int64_t n = problem_->num_nodes;
      gemm_at_b(dense_adjacency_.data.data(), in, out, n, n, width);
    } else {
      spmm_transposed(adjacency_, in, width, out);
    }
  }

  const Problem* problem_;
  ModelConfig config_;
  std::vector<int64_t> widths_;
  Csr<T> adjacency_, features_, dropped_features_;
  Matrix<T> dense_adjacency_, dense_features_;
  // Per layer: dropped input D_l (empty for sparse layer-0 features), Z_l, P_l, relu(P_l).
  std::vector<Matrix<T>> inputs_, z_, p_, outputs_;
};

}  // namespace gcn::ref
