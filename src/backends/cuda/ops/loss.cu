// Softmax cross-entropy of the cuda backend: loss, accuracy and gradient of two row segments in one launch.
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

// Softmax cross-entropy: one warp per entry, lanes over classes (strided when classes > 32).
// Per-block sums go to scratch->accum with double atomics; the last block to finish (counter
// + fence) turns them into means, writes them and zeroes the scratch for the next launch.
__global__ void __launch_bounds__(kBlock) softmax_ce_kernel(LossArgs args) {
  __shared__ double block_sum[4];
  __shared__ bool is_last;
  if (threadIdx.x < 4) block_sum[threadIdx.x] = 0;
  __syncthreads();
  const int lane = threadIdx.x % 32;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (blockDim.x / 32);
  const int C = args.classes;
  for (int64_t e = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32; e < args.end1; e += warps) {
    const int64_t row = args.row_of ? args.row_of[e] : e;
    const float* z = args.logits + row * C;
    // argmax, first maximum on ties
    float best = -INFINITY;
    int best_c = INT_MAX;
    for (int c = lane; c < C; c += 32) {
      const float v = z[c];
      if (best_c == INT_MAX || v > best) {
        best = v;
        best_c = c;
      }
    }
    for (int off = 16; off > 0; off /= 2) {
      const float ov = __shfl_xor_sync(0xffffffffu, best, off);
      const int oc = __shfl_xor_sync(0xffffffffu, best_c, off);
      if (oc != INT_MAX && (best_c == INT_MAX || ov > best || (ov == best && oc < best_c))) {
        best = ov;
        best_c = oc;
      }
    }
    float sum = 0.f;
    for (int c = lane; c < C; c += 32) sum += expf(z[c] - best);
    for (int off = 16; off > 0; off /= 2) sum += __shfl_xor_sync(0xffffffffu, sum, off);
    const float log_sum = logf(sum) + best;
    const int label = args.labels[e];
    const int seg = e < args.end0 ? 0 : 1;
    if (lane == 0) {
      atomicAdd(&block_sum[2 * seg], static_cast<double>(log_sum - z[label]));
      if (best_c == label) atomicAdd(&block_sum[2 * seg + 1], 1.0);
    }
    if (seg == 0 && args.grad) {
      const float inv = 1.f / static_cast<float>(args.grad_count > 0 ? args.grad_count : static_cast<double>(args.end0));
      float* grad = args.grad + (args.grad_at_logits_row ? row : e) * C;
      for (int c = lane; c < C; c += 32) grad[c] = (expf(z[c] - log_sum) - (c == label ? 1.f : 0.f)) * inv;
    }
  }
  __syncthreads();
  if (threadIdx.x < 4 && block_sum[threadIdx.x] != 0) atomicAdd(&args.scratch->accum[threadIdx.x], block_sum[threadIdx.x]);
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) is_last = atomicAdd(&args.scratch->blocks_done, 1u) == gridDim.x - 1;
  __syncthreads();
  if (!is_last || threadIdx.x != 0) return;
  __threadfence();
  volatile double* acc = args.scratch->accum;
  double* out = args.out + (args.slot_state ? static_cast<int64_t>(args.slot_state->slot) * 4 : 0);
  const double counts[2] = {static_cast<double>(args.end0), static_cast<double>(args.end1 - args.end0)};
  for (int s = 0; s < 2; ++s) {
    if (counts[s] <= 0) continue;
    const double divisor = args.sums ? 1.0 : counts[s];
    out[args.out_offset[s]] = acc[2 * s] / divisor;
    out[args.out_offset[s] + 1] = acc[2 * s + 1] / divisor;
  }
  for (int i = 0; i < 4; ++i) acc[i] = 0;
  args.scratch->blocks_done = 0;
}

}  // namespace

void softmax_cross_entropy(const LossArgs& args, cudaStream_t stream) {
  if (args.end1 <= 0) fail("cuda softmax_cross_entropy: no entries");
  const int64_t warps_per_block = kBlock / 32;
  const int64_t grid = std::min<int64_t>((args.end1 + warps_per_block - 1) / warps_per_block, 132 * 8);
  softmax_ce_kernel<<<static_cast<unsigned>(grid), kBlock, 0, stream>>>(args);
  GCN_CUDA_CHECK_LAUNCH("softmax_ce_kernel");
}

}  // namespace gcn::cuda
