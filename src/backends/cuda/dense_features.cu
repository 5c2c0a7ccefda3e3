// The first layer's products with dense features, X (rows x k) times narrow matrices, with the
// input dropout drawn inside the product. Materializing dropout(X) first costs a read and a write
// of X per epoch (1.1 GB on a reddit-sized graph, a millisecond on an H100) before cuBLAS reads it
// again; here X is read once per product and the Philox mask is recomputed on the fly, as the
// CPU backends do. Mask index of X[r][c]: r * k + c, layer 0.
#include <algorithm>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/kernels.cuh"
#include "core/error.hpp"
#include "core/philox.hpp"

namespace gcn::cuda {
namespace {

constexpr int kBlock = 256;
constexpr int kLanesPerRow = 16;  // forward: a half-warp per row, lane j computes output column j

// Loads X[r][c0..c0+3] (zero past k) and applies the dropout mask: elements r*k + c0 + q, which
// span one Philox group, or two when r*k + c0 is not a multiple of 4.
__device__ __forceinline__ void load_dropped4(const float* __restrict__ x, int64_t r, int64_t k, int64_t c0,
                                              const DropoutSpec& d, float v[4]) {
  const float* row = x + r * k;
#pragma unroll
  for (int q = 0; q < 4; ++q) v[q] = c0 + q < k ? __ldg(row + c0 + q) : 0.f;
  if (!d.state) return;
  const uint64_t first = static_cast<uint64_t>(r * k + c0);
  const int offset = static_cast<int>(first & 3);
  float a[4], b[4] = {0.f, 0.f, 0.f, 0.f};
  dropout_uniforms4(d.state->seed, d.layer, d.state->epoch, first >> 2, a);
  if (offset != 0) dropout_uniforms4(d.state->seed, d.layer, d.state->epoch, (first >> 2) + 1, b);
#pragma unroll
  for (int q = 0; q < 4; ++q) {
    const int i = offset + q;  // position in the pair of groups a, b
    const float u = i == 0 ? a[0] : i == 1 ? a[1] : i == 2 ? a[2] : i == 3 ? a[3] : i == 4 ? b[0] : i == 5 ? b[1] : b[2];
    v[q] = u >= d.p ? v[q] * d.scale : 0.f;
  }
}

// y (rows x width) = dropout(x) w, width <= 16. A half-warp owns a row: each lane loads four
// consecutive x of a 64-column chunk, then every x is broadcast by shuffle and lane j adds
// x * w[c][j] (w rows are 64 contiguous bytes, cached in L1).
__global__ void __launch_bounds__(kBlock) dropout_x_w_kernel(const float* __restrict__ x, int64_t rows, int64_t k,
                                                               const float* __restrict__ w, int64_t width,
                                                               float* __restrict__ y, DropoutSpec d) {
  const int64_t r = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanesPerRow;
  const int lane = threadIdx.x % kLanesPerRow;
  if (r >= rows) return;  // the whole half-warp leaves together
  const unsigned mask = 0xffffu << (threadIdx.x % 32 / kLanesPerRow * kLanesPerRow);
  const int64_t j = lane < width ? lane : width - 1;  // idle lanes read a valid column and drop it
  float acc = 0.f;
  for (int64_t c0 = 0; c0 < k; c0 += 4 * kLanesPerRow) {
    float v[4];
    load_dropped4(x, r, k, c0 + 4 * lane, d, v);
    const int sources = static_cast<int>(std::min<int64_t>(kLanesPerRow, (k - c0 + 3) / 4));
    for (int s = 0; s < sources; ++s) {
#pragma unroll
      for (int q = 0; q < 4; ++q) {
        const float xv = __shfl_sync(mask, v[q], s, kLanesPerRow);
        const int64_t c = c0 + 4 * s + q;
        if (c < k) acc += xv * __ldg(w + c * width + j);
      }
    }
  }
  if (lane < width) y[r * width + lane] = acc;
}

// dw (k x width, zeroed by the caller) += dropout(x)^T dz, width <= 16. Thread t owns columns
// 4t..4t+3 of x and accumulates their 4 x 16 block over the block's rows; the rows' dz are
// staged in shared memory (every thread reads the same one: a broadcast). One atomic add per
// element of dw per block at the end.
constexpr int kRowsStaged = 32;
__global__ void __launch_bounds__(512) dropout_xt_dz_kernel(const float* __restrict__ x, int64_t rows, int64_t k,
                                                               const float* __restrict__ dz, int64_t width,
                                                               float* __restrict__ dw, DropoutSpec d,
                                                               int64_t rows_per_block) {
  __shared__ float dz_rows[kRowsStaged][16];
  const int64_t c0 = 4 * static_cast<int64_t>(threadIdx.x);
  const int64_t r_begin = static_cast<int64_t>(blockIdx.x) * rows_per_block;
  const int64_t r_end = std::min(rows, r_begin + rows_per_block);
  float acc[4][16];
#pragma unroll
  for (int q = 0; q < 4; ++q)
#pragma unroll
    for (int j = 0; j < 16; ++j) acc[q][j] = 0.f;
  for (int64_t r0 = r_begin; r0 < r_end; r0 += kRowsStaged) {
    __syncthreads();
    for (int i = threadIdx.x; i < kRowsStaged * 16; i += blockDim.x) {
      const int64_t r = r0 + i / 16, j = i % 16;
      dz_rows[i / 16][j] = r < r_end && j < width ? dz[r * width + j] : 0.f;
    }
    __syncthreads();
    if (c0 >= k) continue;
    const int n = static_cast<int>(std::min<int64_t>(kRowsStaged, r_end - r0));
    for (int i = 0; i < n; ++i) {
      float v[4];
      load_dropped4(x, r0 + i, k, c0, d, v);
#pragma unroll
      for (int q = 0; q < 4; ++q)
#pragma unroll
        for (int j = 0; j < 16; ++j) acc[q][j] += v[q] * dz_rows[i][j];
    }
  }
  if (c0 >= k) return;
#pragma unroll
  for (int q = 0; q < 4; ++q)
#pragma unroll
    for (int j = 0; j < 16; ++j)
      if (c0 + q < k && j < width) atomicAdd(dw + (c0 + q) * width + j, acc[q][j]);
}

}  // namespace

// k <= 2048: the backward's 4 x 16 accumulators per thread need 512 threads at most, so that
// __launch_bounds__(512) leaves them 128 registers (at 1024 threads they spilled: 8.5 ms epochs).
bool dropout_x_products_fit(int64_t k, int64_t width) { return width >= 1 && width <= 16 && k >= 1 && k <= 2048; }

void dropout_x_w(const float* x, int64_t rows, int64_t k, const float* w, int64_t width, float* y, const DropoutSpec& d,
                 cudaStream_t stream) {
  if (!dropout_x_products_fit(k, width)) fail("cuda dropout_x_w: k or width out of range");
  if (rows == 0) return;
  const int64_t blocks = (rows * kLanesPerRow + kBlock - 1) / kBlock;
  dropout_x_w_kernel<<<static_cast<unsigned>(blocks), kBlock, 0, stream>>>(x, rows, k, w, width, y, d);
  GCN_CUDA_CHECK_LAUNCH("dropout_x_w_kernel");
}

void dropout_xt_dz(const float* x, int64_t rows, int64_t k, const float* dz, int64_t width, float* dw,
                   const DropoutSpec& d, cudaStream_t stream) {
  if (!dropout_x_products_fit(k, width)) fail("cuda dropout_xt_dz: k or width out of range");
  GCN_CUDA_CHECK(cudaMemsetAsync(dw, 0, k * width * sizeof(float), stream));
  if (rows == 0) return;
  const int threads = static_cast<int>((k + 4 * 32 - 1) / (4 * 32) * 32);  // whole warps covering k / 4
  // Enough blocks to fill the GPU twice over, each at least one staging round of rows.
  const int64_t rows_per_block = std::max<int64_t>(kRowsStaged, (rows + 263) / 264);
  const int64_t blocks = (rows + rows_per_block - 1) / rows_per_block;
  dropout_xt_dz_kernel<<<static_cast<unsigned>(blocks), threads, 0, stream>>>(x, rows, k, dz, width, dw, d,
                                                                              rows_per_block);
  GCN_CUDA_CHECK_LAUNCH("dropout_xt_dz_kernel");
}

}  // namespace gcn::cuda
