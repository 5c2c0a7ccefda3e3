// One rank of a data-parallel-over-nodes GCN: the model of backends/backend.hpp computed on this
// rank's rows, with the aggregation's remote rows and the gradients moved by a Communicator.
// Parameters are replicated; every rank runs the identical Adam step on the all-reduced
// gradient, so parameters stay identical without ever being broadcast after reset().
//
// Matches cpu-ref's train_epoch step for step: dropout masks are keyed by the global element
// index, the loss is the mean over all ranks' train rows, and the metrics reported are the
// global ones (identical on every rank). Sparse adjacency only: splitting a dense n x n product
// is not what anyone runs across GPUs.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/backend.hpp"
#include "backends/multigpu/aggregation.hpp"
#include "backends/multigpu/communicator.hpp"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/rank_kernels.hpp"
#include "backends/optimizer.hpp"
#include "backends/step_profile.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::multigpu {

class DistributedGcn {
 public:
  // Takes this rank's rows of the problem (plan.row_begin .. plan.row_end). Collective: every
  // rank constructs its DistributedGcn at the same point (the split counts are summed here).
  DistributedGcn(const Problem& problem, RankPlan plan, Communicator& comm, ExchangeMode mode,
                 const RankKernels& kernels = reference_rank_kernels());

  void reset(const Parameters<float>& params, uint64_t seed);
  // Forward, loss, backward, gradient all-reduce, Adam, validation: cpu-ref's train_epoch. With a
  // clock (rank 0's, in a profiled epoch), each of those steps is marked on it.
  EpochMetrics train_epoch(int epoch, StepClock* clock = nullptr);
  // Eval-mode forward over every rank's rows; loss and accuracy over `split`.
  LossAndAccuracy evaluate(Split split);
  const Parameters<float>& parameters() const { return state_.params; }

 private:
  struct Metrics {
    double loss = 0, accuracy = 0;
  };
  // Forward pass over this rank's rows; when `training`, dropout on and, if `d_logits` is not
  // null, the gradient of the mean train loss written to it. Returns global metrics of `split`.
  Metrics forward(int epoch, bool training, Split split, float* d_logits);
  // Global loss and accuracy of the logits held (from the last forward) over `split`.
  Metrics metrics_of_last_forward(Split split, float* d_logits);
  // Gradients of every parameter from d_logits_ (this rank's rows only; summed across ranks
  // by all_reduce_gradients).
  void backward(int epoch);
  void all_reduce_gradients();
  void adam_step();

  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }

  RankPlan plan_;
  Communicator* comm_;
  RankKernels kernels_;
  ModelConfig config_;
  std::vector<int64_t> widths_;
  DistributedAggregation aggregation_;
  Csr<float> features_, dropped_features_;  // this rank's rows, all feature columns
  Matrix<float> dense_features_;            // FeatureMode::Dense
  std::vector<int32_t> labels_;
  std::vector<Split> split_;
  double split_count_[4] = {0, 0, 0, 0};  // global node count of each Split value

  AdamState state_;
  std::vector<float> flat_grads_;
  uint64_t seed_ = 0;
  // Per layer, this rank's rows: dropped input D_l (empty for sparse layer-0 features), the
  // aggregation buffer holding Z_l (plus remote rows), P_l and relu(P_l); for the backward pass
  // the gradients of Z_l and of H_l (empty for layer 0). Allocated once, reused every epoch.
  std::vector<Matrix<float>> inputs_, z_buffer_, p_, outputs_, d_z_, d_in_;
  Matrix<float> d_logits_;
};

}  // namespace gcn::multigpu
