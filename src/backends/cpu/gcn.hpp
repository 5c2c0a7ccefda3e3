// The GCN of backend.hpp on the cpu kernels: same steps as cpu_ref/gcn.hpp, with every
// buffer allocated once in the constructor (the epoch loop allocates nothing) and the
// pointwise steps fused into the passes around them. Its buffers are mirrored by
// cpu_memory_footprint (memory_footprint.cpp): keep the two in step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/cpu/ops.hpp"
#include "backends/step_profile.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::cpu {

// The sizing rules the constructor follows, shared with the backend's memory footprint.
// Dense copies pad their leading dimension to 16 floats (64 bytes), so column strips start on
// cache lines.
int64_t padded_to_16(int64_t n);
// Sparse features: X'^T dZ is a gather over a transposed copy of X (true), or a scatter into
// per-thread slices of features x first_width floats.
bool gathers_transposed_features(int64_t feature_entries, int64_t first_width);

class CpuGcn {
 public:
  // Keeps a reference to `problem`, which must outlive this object; dense copies of the
  // adjacency and features are made here when the config asks for them.
  explicit CpuGcn(const Problem& problem);

  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }

  // Training forward (dropout masks of seed, epoch) and backward into `grads` (no weight decay:
  // the optimizer adds it). Returns train metrics, and val metrics of the same logits.
  SplitMetrics forward_backward(const Parameters<float>& params, uint64_t seed, int epoch, Parameters<float>& grads);
  // Eval-mode forward (no dropout), metrics over `split`.
  LossAndAccuracy evaluate(const Parameters<float>& params, Split split);

  // Set by the backend while it profiles an epoch: each step is marked on it, named with the
  // prefix ("" for the training pass, "val " for the validation forward).
  StepClock* clock = nullptr;
  std::string step_prefix;

 private:
  void forward(const Parameters<float>& params, uint64_t seed, int epoch, bool training);
  void mark(StepTime s) {
    if (!clock) return;
    s.step = step_prefix + s.step;
    clock->mark(std::move(s));
  }
  StepTime aggregate_step(std::string where, int64_t width) const;
  // out = A_hat in, out = A_hat^T in (width columns).
  void aggregate(const float* in, float* out, int64_t width) const;
  void aggregate_transposed(const float* in, float* out, int64_t width) const;
  DropoutSpec layer_dropout(int layer, uint64_t seed, int epoch, bool training) const;

  const Problem* problem_;
  ModelConfig config_;
  std::vector<int64_t> widths_;
  int64_t n_;
  // Sparse mode: A_hat^T, stored only when A_hat is not exactly symmetric. Every loader's A_hat
  // is, and then A_hat^T x = A_hat x with the terms summed in the same order as the reference's
  // scatter, so A_hat itself serves (no second copy of the largest array).
  Csr<float> adjacency_transposed_;
  const Csr<float>* adjacency_t_ = nullptr;
  // Dense mode: row-major copies with the leading dimension padded to 16 floats (64 bytes), so
  // column strips start on cache lines.
  std::vector<float> dense_adjacency_, dense_features_, dropped_features_;
  int64_t adjacency_ld_ = 0, features_ld_ = 0;
  // A_hat^T y as A_hat y when A_hat is exactly symmetric (always, from the loaders): the row-
  // streaming product is 2-3x faster than the transposed one, whose column strips cross a page
  // per row.
  bool dense_adjacency_symmetric_ = false;
  // inputs_[l], l >= 1: D_l = dropout(relu(P_{l-1})) (n x widths[l]); P_{l-1} is aggregated
  // straight into it and the epilogue runs in place.
  std::vector<std::vector<float>> inputs_;
  std::vector<float> logits_;
  // Gradient buffers, each n x max width, used alternately: dP in one, dZ in the other. The
  // forward also computes each Z_l = D_l W_l in grad_b_: Z_l is consumed by the aggregation
  // right after it and no backward step reads it, so it needs no buffer of its own (on a graph
  // of 10^6 nodes, hidden 16, 8 classes, that saves 96 MB).
  std::vector<float> grad_a_, grad_b_;
  // X'^T dZ: a gather over X^T when X is small enough to copy, else a scatter into per-thread
  // slices (one of the two is empty).
  TransposedCsr features_t_;
  std::vector<float> partials_;
  // Sparse features with input dropout: the training forward's mask scale per stored feature.
  std::vector<float> feature_scales_;
};

}  // namespace gcn::cpu
