#include "backends/cpu/gcn.hpp"

#include <algorithm>
#include <cstring>

#include "backends/cpu/ops/narrow_rows.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"

namespace gcn::cpu {
namespace {

// Dense row-major copy of a with leading dimension ld.
std::vector<float> dense_copy(const Csr<float>& a, int64_t ld, const char* what, const char* hint) {
  std::vector<float> d(checked_element_count(a.rows, ld, sizeof(float), what, hint), 0.0f);
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < a.rows; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) d[static_cast<size_t>(r * ld + a.col[k])] = a.val[k];
  return d;
}

// Exact (bitwise) symmetry: entry (r, c) has a partner (c, r) with the same value.
bool is_symmetric(const Csr<float>& a) {
  if (a.rows != a.cols) return false;
  bool symmetric = true;
#pragma omp parallel for schedule(dynamic, 256) reduction(&& : symmetric)
  for (int64_t r = 0; r < a.rows; ++r) {
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1] && symmetric; ++k) {
      const int32_t c = a.col[k];
      const auto first = a.col.begin() + a.row_ptr[c], last = a.col.begin() + a.row_ptr[c + 1];
      const auto it = std::lower_bound(first, last, static_cast<int32_t>(r));
      if (it == last || *it != r || std::memcmp(&a.val[static_cast<size_t>(it - a.col.begin())], &a.val[k], sizeof(float)))
        symmetric = false;
    }
  }
  return symmetric;
}

}  // namespace

int64_t padded_to_16(int64_t n) { return (n + 15) / 16 * 16; }

// Up to 4M stored features (48 MB for the transposed copy) X'^T dZ is a gather over X^T.
bool gathers_transposed_features(int64_t feature_entries, int64_t first_width) {
  return feature_entries <= (int64_t{1} << 22) && first_width <= kMaxConstantWidth;
}

CpuGcn::CpuGcn(const Problem& problem)
    : problem_(&problem), config_(problem.config), widths_(problem.widths()), n_(problem.num_nodes) {
  if (config_.adjacency == AdjacencyMode::Dense) {
    adjacency_ld_ = padded_to_16(n_);
    dense_adjacency_ = dense_copy(problem.adjacency, adjacency_ld_, "dense adjacency", "use --adj sparse");
    dense_adjacency_symmetric_ = is_symmetric(problem.adjacency);
  } else if (is_symmetric(problem.adjacency)) {
    adjacency_t_ = &problem.adjacency;
  } else {
    adjacency_transposed_ = transpose(problem.adjacency);
    adjacency_t_ = &adjacency_transposed_;
  }
  const int64_t num_features = widths_[0];
  if (config_.features == FeatureMode::Dense) {
    features_ld_ = padded_to_16(num_features);
    dense_features_ = dense_copy(problem.features, features_ld_, "dense feature matrix", "use --features sparse");
    if (config_.input_dropout && config_.dropout > 0) dropped_features_.assign(dense_features_.size(), 0.0f);
  } else {
    // The gather form of X'^T dZ needs a transposed copy of X: taken when it is small (Cora's
    // is 0.6 MB); large feature matrices keep the scatter, whose per-thread slices cost only
    // threads x features x hidden floats.
    if (gathers_transposed_features(problem.features.nnz(), widths_[1]))
      features_t_ = transpose_with_entries(problem.features);
    else
      partials_.assign(static_cast<size_t>(partial_slices() * num_features * widths_[1]), 0.0f);
    if (config_.input_dropout && config_.dropout > 0)
      feature_scales_.assign(static_cast<size_t>(problem.features.nnz()), 0.0f);
  }
  int64_t max_width = 0;
  for (size_t l = 1; l < widths_.size(); ++l) max_width = std::max(max_width, widths_[l]);
  inputs_.resize(widths_.size() - 1);
  for (int l = 1; l < num_layers(); ++l)
    inputs_[l].assign(checked_element_count(n_, widths_[l], sizeof(float), "activations"), 0.0f);
  logits_.assign(static_cast<size_t>(n_ * widths_.back()), 0.0f);
  grad_a_.assign(static_cast<size_t>(n_ * max_width), 0.0f);
  grad_b_.assign(static_cast<size_t>(n_ * max_width), 0.0f);
}

DropoutSpec CpuGcn::layer_dropout(int layer, uint64_t seed, int epoch, bool training) const {
  const bool on = training && config_.dropout > 0 && (layer > 0 || config_.input_dropout);
  if (!on) return {};
  return {config_.dropout, seed, static_cast<uint32_t>(layer), static_cast<uint32_t>(epoch)};
}

void CpuGcn::aggregate(const float* in, float* out, int64_t width) const {
  if (config_.adjacency == AdjacencyMode::Dense) {
    gemm(dense_adjacency_.data(), adjacency_ld_, in, out, n_, n_, width);
  } else {
    spmm(problem_->adjacency, in, width, out);
  }
}

void CpuGcn::aggregate_transposed(const float* in, float* out, int64_t width) const {
  if (config_.adjacency == AdjacencyMode::Dense) {
    if (dense_adjacency_symmetric_)
      gemm(dense_adjacency_.data(), adjacency_ld_, in, out, n_, n_, width);
    else
      gemm_at_b(dense_adjacency_.data(), adjacency_ld_, in, out, n_, n_, width);
  } else {
    spmm(*adjacency_t_, in, width, out);
  }
}

StepTime CpuGcn::aggregate_step(std::string where, int64_t width) const {
  if (config_.adjacency == AdjacencyMode::Dense) return step(std::move(where), "gemm", n_, n_, width);
  return step(std::move(where), "spmm", n_, 0, width, problem_->adjacency.nnz());
}

void CpuGcn::forward(const Parameters<float>& params, uint64_t seed, int epoch, bool training) {
  for (int l = 0; l < num_layers(); ++l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    const DropoutSpec drop = layer_dropout(l, seed, epoch, training);
    const float* w = params.weights[l].data.data();
    float* z = grad_b_.data();  // Z_l: see grad_b_ in gcn.hpp
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      // The mask's scales are kept for the backward (forward_backward's), which reads them
      // instead of drawing the mask again.
      const int64_t entries = problem_->features.nnz();
      if (drop.p > 0) {
        sparse_dropout_scales(problem_->features, drop, feature_scales_.data());
        mark(step(layer_step(l + 1, "input dropout"), "dropout", entries, 0, 1));
      }
      sparse_scaled_matmul(problem_->features, drop.p > 0 ? feature_scales_.data() : nullptr, w, out_w, z);
      mark(step(layer_step(l + 1, "product"), "spmm", n_, in_w, out_w, entries));
    } else if (l == 0) {
      const float* x = dense_features_.data();
      if (drop.p > 0) {
        dropout(dense_features_.data(), features_ld_, dropped_features_.data(), n_, in_w, drop);
        x = dropped_features_.data();
        mark(step(layer_step(l + 1, "input dropout"), "dropout", n_, 0, in_w));
      }
      gemm(x, features_ld_, w, z, n_, in_w, out_w);
      mark(step(layer_step(l + 1, "product"), "gemm", n_, in_w, out_w));
    } else {
      // D_l already carries layer l's dropout (applied in the previous layer's epilogue).
      gemm(inputs_[l].data(), in_w, w, z, n_, in_w, out_w);
      mark(step(layer_step(l + 1, "product"), "gemm", n_, in_w, out_w));
    }
    const float* bias = config_.bias ? params.biases[l].data() : nullptr;
    if (bias && config_.bias_before_aggregation) {
      add_bias(z, bias, n_, out_w);
      mark(step(layer_step(l + 1, "bias"), "bias", n_, 0, out_w));
    }
    const float* bias_after = config_.bias_before_aggregation ? nullptr : bias;
    if (l + 1 < num_layers()) {
      float* next = inputs_[l + 1].data();
      aggregate(z, next, out_w);
      mark(aggregate_step(layer_step(l + 1, "aggregate"), out_w));
      bias_relu_dropout(next, bias_after, next, n_, out_w, layer_dropout(l + 1, seed, epoch, training));
      mark(step(layer_step(l + 1, "activation"), "bias_relu_dropout", n_, 0, out_w));
    } else {
      aggregate(z, logits_.data(), out_w);
      mark(aggregate_step(layer_step(l + 1, "aggregate"), out_w));
      if (bias_after) {
        add_bias(logits_.data(), bias_after, n_, out_w);
        mark(step(layer_step(l + 1, "bias"), "bias", n_, 0, out_w));
      }
    }
  }
}

SplitMetrics CpuGcn::forward_backward(const Parameters<float>& params, uint64_t seed, int epoch,
                                      Parameters<float>& grads) {
  forward(params, seed, epoch, true);
  float* d_out = grad_a_.data();  // dP_l
  float* d_z = grad_b_.data();    // dZ_l
  const SplitMetrics metrics =
      softmax_cross_entropy(logits_.data(), n_, widths_.back(), problem_->labels, problem_->split, d_out);
  mark(step("loss", "softmax_cross_entropy", n_, 0, widths_.back(), 0, problem_->num_train));
  for (int l = num_layers() - 1; l >= 0; --l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    float* bias_grad = config_.bias ? grads.biases[l].data() : nullptr;
    if (bias_grad && !config_.bias_before_aggregation) {
      bias_backward(d_out, bias_grad, n_, out_w);
      mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n_, 0, out_w));
    }
    aggregate_transposed(d_out, d_z, out_w);
    mark(aggregate_step(layer_step(l + 1, "aggregate gradient"), out_w));
    if (bias_grad && config_.bias_before_aggregation) {
      bias_backward(d_z, bias_grad, n_, out_w);
      mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n_, 0, out_w));
    }
    float* w_grad = grads.weights[l].data.data();
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      const float* scales = layer_dropout(0, seed, epoch, true).p > 0 ? feature_scales_.data() : nullptr;
      if (!features_t_.matrix.row_ptr.empty())
        sparse_scaled_matmul_transposed(features_t_, scales, d_z, out_w, w_grad);
      else
        sparse_scaled_matmul_transposed(problem_->features, scales, d_z, out_w, w_grad, partials_);
      mark(step(layer_step(l + 1, "weight gradient"), "spmm", in_w, n_, out_w, problem_->features.nnz()));
    } else if (l == 0) {
      const bool dropped = layer_dropout(0, seed, epoch, true).p > 0;
      gemm_at_b(dropped ? dropped_features_.data() : dense_features_.data(), features_ld_, d_z, w_grad, n_, in_w,
                out_w);
      mark(step(layer_step(l + 1, "weight gradient"), "gemm_at_b", n_, in_w, out_w));
    } else {
      gemm_at_b(inputs_[l].data(), in_w, d_z, w_grad, n_, in_w, out_w);
      mark(step(layer_step(l + 1, "weight gradient"), "gemm_at_b", n_, in_w, out_w));
    }
    if (l == 0) break;
    // dD_l = dZ_l W_l^T, then back through dropout and ReLU (read off D_l: no mask redraw).
    gemm_a_bt(d_z, params.weights[l].data.data(), d_out, n_, out_w, in_w);
    mark(step(layer_step(l + 1, "input gradient"), "gemm_a_bt", n_, in_w, out_w));
    relu_dropout_backward(inputs_[l].data(), d_out, n_ * in_w, layer_dropout(l, seed, epoch, true).p);
    mark(step(layer_step(l, "activation gradient"), "relu_dropout_backward", n_, 0, in_w));
  }
  return metrics;
}

LossAndAccuracy CpuGcn::evaluate(const Parameters<float>& params, Split split) {
  forward(params, 0, 0, false);
  const LossAndAccuracy result =
      softmax_cross_entropy_split(logits_.data(), n_, widths_.back(), problem_->labels, problem_->split, split);
  mark(step("loss", "softmax_cross_entropy", n_, 0, widths_.back()));
  return result;
}

}  // namespace gcn::cpu
