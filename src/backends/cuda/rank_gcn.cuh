// One rank of a multi-GPU run, on its GPU: the training step of multigpu::DistributedGcn
// (backends/multigpu/gcn.hpp) step for step, with every buffer in device memory, the cuda
// backend's kernels, and a Communicator whose buffers are device memory (NCCL's).
//
// The rank holds its rows of the problem (RankPlan: its row block of A_hat renumbered over its
// own rows and its halo) and a replica of the parameters. Per layer: Z = D W over its rows, the
// halo rows of Z received from their owners, P = A_local Z_buffer; backward, the transposed
// product gives the gradient rows of the halo nodes too, which go back to their owners and are
// added there. Gradients are all-reduced once per epoch; every rank runs the same Adam step.
// Dropout masks are keyed by the global element index (DeviceDropout::first_index), the loss is
// the mean over every rank's train rows: the curve is the single device's within rounding.
//
// Unlike the one-GPU model (gcn.cuh), every layer runs over all of the rank's rows (no row
// block of the last layer, no aggregated-first reordering), and the epoch is issued as it runs,
// not replayed from a graph: the exchanges in it are host-blocking communicator calls.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/backend.hpp"
#include "backends/cuda/device_csr.cuh"
#include "backends/cuda/device_handles.cuh"
#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/packed_parameters.cuh"
#include "backends/multigpu/communicator.hpp"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/step_profile.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::cuda {

class CudaRankGcn {
 public:
  // Uploads this rank's rows of the problem (plan.row_begin .. plan.row_end). Collective: every
  // rank constructs its CudaRankGcn at the same point (the split counts are summed here).
  CudaRankGcn(DeviceHandles& device, multigpu::Communicator& comm, const Problem& problem, multigpu::RankPlan plan);

  void reset(const Parameters<float>& params, uint64_t seed);
  // Forward, loss, backward, gradient all-reduce, Adam, validation. With a clock (in a profiled
  // epoch), each of those steps is marked on it after the device finished it.
  EpochMetrics train_epoch(int epoch, StepClock* clock = nullptr);
  // Eval-mode forward over every rank's rows; loss and accuracy over `split`.
  LossAndAccuracy evaluate(Split split);
  Parameters<float> parameters() const { return params_.download(stream_); }

 private:
  struct Metrics {
    double loss = 0, accuracy = 0;
  };
  // Forward pass over this rank's rows into logits_; dropout on when `training`.
  void forward(bool training);
  // Loss sums of the last forward's logits over this rank's rows of split s into sums_ + slot;
  // with `gradient`, the gradient of the global mean train loss into d_logits_.
  void loss_sums(int s, int slot, bool gradient);
  // sums_ all-reduced, as the global {loss, accuracy} of the two slots' splits.
  void global_metrics(const int split_of_slot[2], Metrics out[2]);
  void backward();
  void all_reduce_gradients();

  // P (num_local x width) = A_local * Z_buffer, whose halo rows come from their owners first.
  void aggregate(float* z_buffer, int64_t width, float* out, const Epilogue& ep);
  // d_z (num_local x width) = this rank's rows of A_hat^T G, G's rows spread like Z's.
  void aggregate_backward(const float* d_out, int64_t width, float* d_z);
  void exchange(const std::vector<multigpu::SendBuffer>& sends, const std::vector<multigpu::RecvBuffer>& recvs);

  DeviceDropout dropout_spec(int layer, int64_t width) const;
  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }
  void mark(StepClock* clock, const StepTime& s) const;

  cudaStream_t stream_;
  DenseContext dense_;
  MemoryCounter& mem_;
  multigpu::Communicator* comm_;
  multigpu::RankPlan plan_;
  ModelConfig config_;
  std::vector<int64_t> widths_;
  int64_t n_ = 0;  // this rank's rows
  uint64_t seed_ = 0;
  int64_t steps_ = 0;

  DeviceArray<EpochState> state_;
  DeviceArray<double> sums_;                              // {loss, correct} of two splits, summed over this rank's rows
  DeviceArray<int32_t> split_rows_[3], split_labels_[3];  // this rank's train, val, test rows
  int64_t local_count_[3] = {}, global_count_[3] = {};
  DeviceCsr adj_, adj_t_, features_, features_t_;  // adj_: num_local x (num_local + num_halo)
  DeviceArray<float> dense_x_, dropped_x_;
  DeviceArray<int32_t> send_rows_;
  PackedParameters params_;
  // z_: Z_l with its halo rows; h_[l]: the (dropped, when training) input of layer l >= 1;
  // g_: gradient of a hidden activation; dz_: the transposed product with its halo rows.
  DeviceArray<float> z_, logits_, d_logits_, g_, dz_, send_, recv_, ones_;
  std::vector<DeviceArray<float>> h_;
};

}  // namespace gcn::cuda
