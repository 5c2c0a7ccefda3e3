// A GCN's parameters packed into one device array, W_0, b_0, W_1, b_1, ..., with their gradients
// and Adam's moments in arrays of the same layout: one Adam launch, and on several GPUs one
// all-reduce, covers every parameter.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"
#include "model/config.hpp"
#include "model/parameters.hpp"

namespace gcn::cuda {

class PackedParameters {
 public:
  // widths: the layer widths (features, hidden..., classes).
  void allocate(MemoryCounter& mem, const std::vector<int64_t>& widths, bool bias);
  // Sets the parameters and zeroes Adam's moments. Throws gcn::Error on a shape mismatch.
  void upload(const Parameters<float>& params, cudaStream_t stream);
  Parameters<float> download(cudaStream_t stream) const;
  // torch.optim.Adam over every parameter, with the config's weight decay per layer; the step
  // number is state->step + 1.
  void adam_step(const ModelConfig& config, const EpochState* state, cudaStream_t stream) const;

  float* weight(int l) const { return params_.get() + offsets_[2 * l]; }
  float* bias(int l) const { return bias_ ? params_.get() + offsets_[2 * l + 1] : nullptr; }
  float* weight_grad(int l) const { return grads_.get() + offsets_[2 * l]; }
  float* bias_grad(int l) const { return grads_.get() + offsets_[2 * l + 1]; }
  float* grads() const { return grads_.get(); }
  int64_t count() const { return offsets_.empty() ? 0 : offsets_.back(); }

 private:
  int num_layers() const { return static_cast<int>(widths_.size()) - 1; }

  std::vector<int64_t> widths_;
  std::vector<int64_t> offsets_;  // 2 L + 1: W_l at [2l], b_l at [2l + 1], the total last
  bool bias_ = false;
  DeviceArray<float> params_, grads_, adam_m_, adam_v_;
};

}  // namespace gcn::cuda
