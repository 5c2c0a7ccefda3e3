// The floor probes of the cuda backend: the FMA peak (the copy probe is cudaMemcpyAsync).
#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/ops/common.cuh"

namespace gcn::cuda {
namespace {

// Eight independent chains per thread: enough to cover the FMA pipeline's latency on every
// warp scheduler once a few warps are resident.
constexpr int kChains = 8;

__global__ void fma_probe_kernel(float* sink, int64_t iterations) {
  float acc[kChains];
#pragma unroll
  for (int j = 0; j < kChains; ++j) acc[j] = 1e-3f * static_cast<float>(threadIdx.x + j);
  for (int64_t i = 0; i < iterations; ++i)
#pragma unroll
    for (int j = 0; j < kChains; ++j) acc[j] = fmaf(acc[j], 0.999999f, 1e-7f);
  float sum = 0.f;
#pragma unroll
  for (int j = 0; j < kChains; ++j) sum += acc[j];
  if (sum == 12345.f) sink[0] = sum;  // never true; keeps the chains alive
}

}  // namespace

double fma_probe(float* sink, int64_t fmas, int blocks, cudaStream_t stream) {
  const int64_t threads = static_cast<int64_t>(blocks) * detail::kBlock;
  const int64_t iterations = fmas / (threads * kChains);
  fma_probe_kernel<<<static_cast<unsigned>(blocks), detail::kBlock, 0, stream>>>(sink, iterations);
  GCN_CUDA_CHECK_LAUNCH("fma_probe_kernel");
  return 2.0 * static_cast<double>(iterations) * static_cast<double>(threads * kChains);
}

}  // namespace gcn::cuda
