// The cuda backend's model: the problem's data, the parameters, Adam's state and every
// activation in device memory, and the steps of an epoch (forward, backward, Adam) issued into
// the backend's stream. The backend (backend.cu) owns the stream, the epoch's graph and the
// metrics, and writes the epoch recipe from these steps, as the host backends do from theirs.
//
// Only the logits rows that something reads are computed: the last layer's aggregation runs
// over the train rows (and the val rows when the validation metrics come from the training
// forward), taken as a row block of A_hat built at load time: S = [train nodes, val nodes].
// Its backward, A_hat^T dP with dP zero outside the train rows, uses the same block.
//
// When the last layer widens (hidden 16 -> 41 classes on reddit) and its bias comes after the
// aggregation, it aggregates first: logits = (A_S H) W + b instead of A_S (H W) + b. The
// products are equal; the sparse one then runs at the narrower width, and the backward's
// A_train^T product too (A_train^T (dlogits W^T) instead of A_train^T dlogits).
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <vector>

#include "backends/cuda/device_csr.cuh"
#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/packed_parameters.cuh"
#include "backends/step_profile.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::cuda {

// Which rows of the last layer a forward computes: the S block's train rows, train and val
// rows, val rows, or every row (evaluate()).
enum class LastRows { Train, TrainVal, Val, Full };

// What the model computes with, owned by the backend.
struct GcnContext {
  cudaStream_t stream = nullptr;
  DenseContext dense;
  MemoryCounter* mem = nullptr;
  EpochState* state = nullptr;         // the seed and epoch the dropout masks and Adam read
  std::function<void(StepTime)> mark;  // called after each step is issued
};

class CudaGcn {
 public:
  explicit CudaGcn(const GcnContext& context)
      : stream_(context.stream),
        dense_(context.dense),
        mem_(*context.mem),
        state_(context.state),
        mark_(context.mark) {}

  // Uploads the problem (kept by reference) and allocates every buffer of an epoch.
  // Allocations here are mirrored by cuda_memory_footprint (memory_footprint.cpp): keep the two in step.
  void load(const Problem& problem);
  // Sets the parameters and zeroes Adam's moments.
  void upload_parameters(const Parameters<float>& params);
  Parameters<float> download_parameters() const;

  // Forward pass. Training: dropout on; the last layer's rows are train (+ val when the val
  // metrics come from this forward). Eval in the graph: val rows. evaluate(): all rows.
  void forward(bool training, LastRows last_rows);
  // Backward from dlogits() (train rows of S); gradients into the packed gradient (no weight decay).
  void backward();
  void adam_step();

  // What the epoch recipe and evaluate() read and write around the steps.
  const ModelConfig& config() const { return config_; }
  int64_t num_train() const { return num_train_; }
  int64_t num_val() const { return num_val_; }
  int classes() const { return static_cast<int>(widths_.back()); }
  float* logits_s() const { return logits_s_.get(); }        // the S rows' logits: train, then val
  float* logits_full() const { return logits_full_.get(); }  // every row's, after forward(Full)
  float* dlogits() const { return dlogits_.get(); }          // the train rows' logit gradient
  const int32_t* s_labels() const { return s_labels_.get(); }
  // Split s = 0 train, 1 val, 2 test: its rows, their labels and their count.
  const int32_t* split_rows(int s) const { return split_rows_[s].get(); }
  const int32_t* split_labels(int s) const { return split_labels_[s].get(); }
  int64_t split_count(int s) const { return split_count_[s]; }

 private:
  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }
  void mark(StepTime s) const {
    if (mark_) mark_(std::move(s));
  }
  float* weight(int l) const { return params_.weight(l); }
  float* bias(int l) const { return params_.bias(l); }
  float* weight_grad(int l) const { return params_.weight_grad(l); }
  float* bias_grad(int l) const { return params_.bias_grad(l); }

  DeviceDropout dropout_spec(int layer) const {
    DeviceDropout d;
    d.state = state_;
    d.layer = static_cast<uint32_t>(layer);
    d.p = static_cast<float>(config_.dropout);
    d.scale = 1.f / (1.f - static_cast<float>(config_.dropout));
    return d;
  }

  InputMask input_mask() const { return InputMask{x_keep_.get(), problem_->num_features, dropout_spec(0).scale}; }

  StepTime aggregate_step(std::string where, LastRows which, int64_t width) const;
  void aggregate(LastRows which, const float* in, int64_t width, float* out, const Epilogue& ep);
  void forward_last_aggregate_first(LastRows last_rows);
  void backward_last_aggregate_first();

  cudaStream_t stream_;
  DenseContext dense_;
  MemoryCounter& mem_;
  EpochState* state_;
  std::function<void(StepTime)> mark_;

  const Problem* problem_ = nullptr;
  ModelConfig config_;
  std::vector<int64_t> widths_;
  int64_t n_ = 0, num_train_ = 0, num_val_ = 0;
  DeviceArray<int32_t> s_labels_, split_rows_[3], split_labels_[3];
  int64_t split_count_[3] = {};
  DeviceCsr adj_, adj_t_, adj_s_, adj_train_t_, features_, features_t_;
  bool adj_symmetric_ = false;
  std::vector<int64_t> s_row_ptr_;  // the row offsets of the S block, on the host
  DeviceArray<float> dense_adj_, dense_adj_s_, dense_x_, dropped_x_;
  int64_t adj_ld_ = 0, x_ld_ = 0;  // row strides of the dense adjacency and features
  bool fused_input_dropout_ = false;
  DeviceArray<uint32_t> x_keep_;      // the input dropout mask of the epoch, as bits
  DeviceArray<float> aggregated_x_;   // A_hat X (dense_layout.hpp: aggregates_features_first), or empty
  bool aggregated_training_ = false;  // the training pass uses it too (no input dropout)
  PackedParameters params_;
  DeviceArray<float> z_, logits_s_, logits_full_, dlogits_, gbuf_, dzbuf_, ones_;
  bool aggregate_first_ = false;
  DeviceArray<float> agg_s_, dagg_;  // A_S H of the S rows, and its gradient (train rows)
  std::vector<DeviceArray<float>> d_;
};

}  // namespace gcn::cuda
