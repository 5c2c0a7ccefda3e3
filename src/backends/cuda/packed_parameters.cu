#include <algorithm>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/packed_parameters.cuh"
#include "backends/optimizer.hpp"
#include "core/error.hpp"

namespace gcn::cuda {

void PackedParameters::allocate(MemoryCounter& mem, const std::vector<int64_t>& widths, bool bias) {
  widths_ = widths;
  bias_ = bias;
  const int L = num_layers();
  offsets_.assign(2 * L + 1, 0);
  int64_t total = 0;
  for (int l = 0; l < L; ++l) {
    offsets_[2 * l] = total;
    total += widths_[l] * widths_[l + 1];
    offsets_[2 * l + 1] = total;
    if (bias_) total += widths_[l + 1];
  }
  offsets_[2 * L] = total;
  params_.allocate(mem, total, "parameters");
  grads_.allocate(mem, total, "gradients");
  adam_m_.allocate(mem, total, "Adam m");
  adam_v_.allocate(mem, total, "Adam v");
}

void PackedParameters::upload(const Parameters<float>& params, cudaStream_t stream) {
  const int L = num_layers();
  if (params.num_layers() != L) fail("cuda: reset with parameters of the wrong layer count");
  std::vector<float> packed(static_cast<size_t>(count()));
  for (int l = 0; l < L; ++l) {
    const auto& w = params.weights[l];
    if (w.rows != widths_[l] || w.cols != widths_[l + 1]) fail("cuda: reset with a weight of the wrong shape");
    std::copy(w.data.begin(), w.data.end(), packed.begin() + offsets_[2 * l]);
    if (bias_) {
      if (static_cast<int64_t>(params.biases[l].size()) != widths_[l + 1])
        fail("cuda: reset with a bias of the wrong size");
      std::copy(params.biases[l].begin(), params.biases[l].end(), packed.begin() + offsets_[2 * l + 1]);
    }
  }
  params_.upload(packed.data(), static_cast<int64_t>(packed.size()), stream);
  GCN_CUDA_CHECK(cudaMemsetAsync(adam_m_.get(), 0, packed.size() * sizeof(float), stream));
  GCN_CUDA_CHECK(cudaMemsetAsync(adam_v_.get(), 0, packed.size() * sizeof(float), stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream));
}

Parameters<float> PackedParameters::download(cudaStream_t stream) const {
  const int L = num_layers();
  std::vector<float> packed(static_cast<size_t>(count()));
  GCN_CUDA_CHECK(
      cudaMemcpyAsync(packed.data(), params_.get(), packed.size() * sizeof(float), cudaMemcpyDeviceToHost, stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream));
  Parameters<float> p;
  for (int l = 0; l < L; ++l) {
    Matrix<float> w(widths_[l], widths_[l + 1]);
    std::copy_n(packed.begin() + offsets_[2 * l], w.size(), w.data.begin());
    p.weights.push_back(std::move(w));
    if (bias_) {
      p.biases.emplace_back(packed.begin() + offsets_[2 * l + 1],
                            packed.begin() + offsets_[2 * l + 1] + widths_[l + 1]);
    } else {
      p.biases.emplace_back();
    }
  }
  return p;
}

void PackedParameters::adam_step(const ModelConfig& config, const EpochState* state, cudaStream_t stream) const {
  const int L = num_layers();
  AdamArgs a;
  a.param = params_.get();
  a.grad = grads_.get();
  a.m = adam_m_.get();
  a.v = adam_v_.get();
  if (2 * L > kMaxAdamSegments) fail("cuda: at most " + std::to_string(kMaxAdamSegments / 2) + " layers");
  for (int l = 0; l < L; ++l) {
    const float wd = static_cast<float>(layer_weight_decay(config, l));
    a.seg_end[a.num_segments] = offsets_[2 * l + 1];
    a.weight_decay[a.num_segments++] = wd;
    a.seg_end[a.num_segments] = offsets_[2 * l + 2];
    a.weight_decay[a.num_segments++] = wd;
  }
  a.lr = config.lr;
  a.beta1 = config.adam_beta1;
  a.beta2 = config.adam_beta2;
  a.eps = config.adam_eps;
  a.state = state;
  adam_update(a, stream);
}

}  // namespace gcn::cuda
