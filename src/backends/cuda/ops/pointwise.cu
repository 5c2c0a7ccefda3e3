// Pointwise kernels of the cuda backend: bias + ReLU + dropout, their backward, the halo's row
// copies, the epoch counter, fill.
#include <algorithm>
#include <climits>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/ops/common.cuh"
#include "core/error.hpp"
#include "core/philox.hpp"

namespace gcn::cuda {
using namespace detail;

namespace {

// Four consecutive elements per thread: the mask index of element i is first_index + i, a
// multiple of 4 for the first of the four, so the four share one Philox call (the call costs
// more than the memory traffic of the elements).
__global__ void bias_relu_dropout_kernel(const float* in, float* out, int64_t rows, int64_t width, Epilogue ep) {
  const int64_t count = rows * width;
  const int64_t i0 = 4 * (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x);
  if (i0 >= count) return;
  float u[4] = {1.f, 1.f, 1.f, 1.f};
  if (ep.dropout.state) {
    const EpochState& s = *ep.dropout.state;
    dropout_uniforms4(s.seed, ep.dropout.layer, s.epoch, (ep.dropout.first_index + static_cast<uint64_t>(i0)) >> 2, u);
  }
#pragma unroll
  for (int v = 0; v < 4; ++v) {
    const int64_t i = i0 + v;
    if (i >= count) break;
    float x = in[i];
    if (ep.bias) x += ep.bias[i % width];
    if (ep.relu) x = x > 0.f ? x : 0.f;
    if (ep.dropout.state) x = u[v] >= ep.dropout.p ? x * ep.dropout.scale : 0.f;
    out[i] = x;
  }
}

// One element per thread, its own Philox call: for a first mask index that is no multiple of 4
// (a rank's rows of a matrix whose width is not one either).
__global__ void bias_relu_dropout_unaligned_kernel(const float* in, float* out, int64_t rows, int64_t width,
                                                   Epilogue ep) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * width) return;
  float x = in[i];
  if (ep.bias) x += ep.bias[i % width];
  if (ep.relu) x = x > 0.f ? x : 0.f;
  if (ep.dropout.state) x = keep(ep.dropout, static_cast<uint64_t>(i)) ? x * ep.dropout.scale : 0.f;
  out[i] = x;
}

__global__ void gather_rows_kernel(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count * width) return;
  out[i] = in[static_cast<int64_t>(rows[i / width]) * width + i % width];
}

__global__ void add_rows_kernel(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count * width) return;
  out[static_cast<int64_t>(rows[i / width]) * width + i % width] += in[i];
}

__global__ void relu_dropout_backward_kernel(float* g, const float* d, int64_t count, float scale) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count) g[i] = d[i] > 0.f ? g[i] * scale : 0.f;
}

__global__ void end_epoch_kernel(EpochState* s) {
  s->epoch += 1;
  s->slot += 1;
  s->step += 1;
}

__global__ void fill_kernel(float* x, int64_t count, float value) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count) x[i] = value;
}

}  // namespace

void bias_relu_dropout(const float* in, float* out, int64_t rows, int64_t width, const Epilogue& ep, cudaStream_t stream) {
  if (rows * width == 0) return;
  if (ep.dropout.state && ep.dropout.first_index % 4 != 0) {
    bias_relu_dropout_unaligned_kernel<<<static_cast<unsigned>(blocks_for(rows * width)), kBlock, 0, stream>>>(
        in, out, rows, width, ep);
    GCN_CUDA_CHECK_LAUNCH("bias_relu_dropout_unaligned_kernel");
    return;
  }
  bias_relu_dropout_kernel<<<static_cast<unsigned>(blocks_for((rows * width + 3) / 4)), kBlock, 0, stream>>>(in, out, rows, width, ep);
  GCN_CUDA_CHECK_LAUNCH("bias_relu_dropout_kernel");
}

void relu_dropout_backward(const float* d, float* g, int64_t count, float scale, cudaStream_t stream) {
  if (count == 0) return;
  relu_dropout_backward_kernel<<<static_cast<unsigned>(blocks_for(count)), kBlock, 0, stream>>>(g, d, count, scale);
  GCN_CUDA_CHECK_LAUNCH("relu_dropout_backward_kernel");
}

void gather_rows(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out, cudaStream_t stream) {
  if (count * width == 0) return;
  gather_rows_kernel<<<static_cast<unsigned>(blocks_for(count * width)), kBlock, 0, stream>>>(in, rows, count, width, out);
  GCN_CUDA_CHECK_LAUNCH("gather_rows_kernel");
}

void add_rows(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out, cudaStream_t stream) {
  if (count * width == 0) return;
  add_rows_kernel<<<static_cast<unsigned>(blocks_for(count * width)), kBlock, 0, stream>>>(in, rows, count, width, out);
  GCN_CUDA_CHECK_LAUNCH("add_rows_kernel");
}

void end_epoch(EpochState* state, cudaStream_t stream) {
  end_epoch_kernel<<<1, 1, 0, stream>>>(state);
  GCN_CUDA_CHECK_LAUNCH("end_epoch_kernel");
}

void fill(float* x, int64_t count, float value, cudaStream_t stream) {
  if (count == 0) return;
  fill_kernel<<<static_cast<unsigned>(blocks_for(count)), kBlock, 0, stream>>>(x, count, value);
  GCN_CUDA_CHECK_LAUNCH("fill_kernel");
}

}  // namespace gcn::cuda
