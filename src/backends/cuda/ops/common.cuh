// What the cuda backend's op files share: the block size, the dropout mask test and the epilogue
// every fused kernel applies to its output elements.
#pragma once

#include <climits>
#include <cstdint>
#include <string>

#include "backends/cuda/ops.cuh"
#include "core/error.hpp"
#include "core/philox.hpp"

namespace gcn::cuda::detail {

constexpr int kBlock = 256;

inline int64_t blocks_for(int64_t threads, int block = kBlock) { return (threads + block - 1) / block; }

__device__ __forceinline__ bool keep(const DeviceDropout& d, uint64_t index) {
  return dropout_keep(d.state->seed, d.layer, d.state->epoch, d.first_index + index, d.p);
}

__device__ __forceinline__ float apply_epilogue(const Epilogue& ep, float x, int64_t row, int64_t j, int64_t width) {
  if (ep.bias) x += ep.bias[j];
  if (ep.relu) x = x > 0.f ? x : 0.f;
  if (ep.dropout.state) x = keep(ep.dropout, static_cast<uint64_t>(row * width + j)) ? x * ep.dropout.scale : 0.f;
  return x;
}

// The epilogue of four consecutive elements j0..j0+3 of one row, j0 and width multiples of 4:
// their mask indices form one Philox group (first_index is a multiple of 4 too), so the four
// share one Philox call instead of four.
__device__ __forceinline__ void apply_epilogue4(const Epilogue& ep, float x[4], int64_t row, int64_t j0, int64_t width) {
  float u[4] = {1.f, 1.f, 1.f, 1.f};
  if (ep.dropout.state) {
    const EpochState& s = *ep.dropout.state;
    dropout_uniforms4(s.seed, ep.dropout.layer, s.epoch, (ep.dropout.first_index + static_cast<uint64_t>(row * width + j0)) >> 2, u);
  }
#pragma unroll
  for (int v = 0; v < 4; ++v) {
    if (ep.bias) x[v] += ep.bias[j0 + v];
    if (ep.relu) x[v] = x[v] > 0.f ? x[v] : 0.f;
    if (ep.dropout.state) x[v] = u[v] >= ep.dropout.p ? x[v] * ep.dropout.scale : 0.f;
  }
}

inline int to_int(int64_t v, const char* what) {
  if (v > INT_MAX) fail(std::string("cuBLAS dimension ") + what + " = " + std::to_string(v) + " exceeds INT_MAX");
  return static_cast<int>(v);
}

}  // namespace gcn::cuda::detail
