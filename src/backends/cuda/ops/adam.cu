// Adam of the cuda backend: one launch over all packed parameters.
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

// Adam: one thread per parameter element over the packed buffer of every layer's W and b.
// Float arithmetic in cpu-ref's order; bias corrections from the step in double, as cpu-ref.
__global__ void adam_update_kernel(AdamArgs a) {
  const int64_t n = a.seg_end[a.num_segments - 1];
  const int64_t step = a.state->step + 1;
  const float beta1 = static_cast<float>(a.beta1), beta2 = static_cast<float>(a.beta2);
  const float bc1 = 1.f - static_cast<float>(pow(a.beta1, static_cast<double>(step)));
  const float bc2_sqrt = static_cast<float>(sqrt(1.0 - pow(a.beta2, static_cast<double>(step))));
  const float step_size = static_cast<float>(a.lr) / bc1;
  const float eps = static_cast<float>(a.eps);
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int s = 0;
    while (i >= a.seg_end[s]) ++s;
    const float p = a.param[i];
    const float g = a.grad[i] + a.weight_decay[s] * p;
    const float m = beta1 * a.m[i] + (1.f - beta1) * g;
    const float v = beta2 * a.v[i] + (1.f - beta2) * g * g;
    a.m[i] = m;
    a.v[i] = v;
    const float denom = sqrtf(v) / bc2_sqrt + eps;
    a.param[i] = p - step_size * m / denom;
  }
}

}  // namespace

void adam_update(const AdamArgs& args, cudaStream_t stream) {
  const int64_t n = args.seg_end[args.num_segments - 1];
  const int64_t grid = std::min<int64_t>(blocks_for(n), 132 * 8);
  adam_update_kernel<<<static_cast<unsigned>(std::max<int64_t>(grid, 1)), kBlock, 0, stream>>>(args);
  GCN_CUDA_CHECK_LAUNCH("adam_update_kernel");
}

}  // namespace gcn::cuda
