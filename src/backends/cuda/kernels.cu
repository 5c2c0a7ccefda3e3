// Kernels of the cuda backend. Each comment says how the work is split over threads.
#include <algorithm>
#include <climits>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/kernels.cuh"
#include "core/error.hpp"
#include "core/philox.hpp"

namespace gcn::cuda {
namespace {

constexpr int kBlock = 256;

int64_t blocks_for(int64_t threads, int block = kBlock) { return (threads + block - 1) / block; }

__device__ __forceinline__ bool keep(const DeviceDropout& d, uint64_t index) {
  return dropout_keep(d.state->seed, d.layer, d.state->epoch, index, d.p);
}

__device__ __forceinline__ float apply_epilogue(const Epilogue& ep, float x, int64_t row, int64_t j, int64_t width) {
  if (ep.bias) x += ep.bias[j];
  if (ep.relu) x = x > 0.f ? x : 0.f;
  if (ep.dropout.state) x = keep(ep.dropout, static_cast<uint64_t>(row * width + j)) ? x * ep.dropout.scale : 0.f;
  return x;
}

// The epilogue of four consecutive elements j0..j0+3 of one row, j0 and width multiples of 4:
// their mask indices form one Philox group, so the four share one Philox call instead of four.
__device__ __forceinline__ void apply_epilogue4(const Epilogue& ep, float x[4], int64_t row, int64_t j0, int64_t width) {
  float u[4] = {1.f, 1.f, 1.f, 1.f};
  if (ep.dropout.state) {
    const EpochState& s = *ep.dropout.state;
    dropout_uniforms4(s.seed, ep.dropout.layer, s.epoch, static_cast<uint64_t>(row * width + j0) >> 2, u);
  }
#pragma unroll
  for (int v = 0; v < 4; ++v) {
    if (ep.bias) x[v] += ep.bias[j0 + v];
    if (ep.relu) x[v] = x[v] > 0.f ? x[v] : 0.f;
    if (ep.dropout.state) x[v] = u[v] >= ep.dropout.p ? x[v] * ep.dropout.scale : 0.f;
  }
}

// SpMM: a group of G lanes (G = 4 to 32) owns one row (or one item of a long row); lane i owns
// output columns V*i.., V*(i+G).., ..., T column blocks of V (V = 4: float4 loads, used when the
// width is a multiple of 4 and b is 16-byte aligned). The group reads G stored entries at a time
// (coalesced col/val loads, dropout applied there), then broadcasts each by shuffle and every
// lane gathers its columns of the matching row of b: rows of b are read contiguously, and with
// V = 4 one warp instruction fetches 32 / G whole rows of a 16-wide b instead of 2.
template <int G, int T, int V>
__global__ void __launch_bounds__(kBlock) spmm_kernel(CsrView a, const float* __restrict__ b, int64_t width,
                                                      float* __restrict__ c, ValueDropout vd, Epilogue ep) {
  const int64_t group = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / G;
  const int lane = threadIdx.x % G;
  const bool items = a.num_items > 0;
  const int64_t count = items ? a.num_items : a.rows;
  if (group >= count) return;  // the whole group leaves together
  const unsigned mask = G == 32 ? 0xffffffffu : (((1u << G) - 1u) << ((threadIdx.x % 32) / G * G));
  int64_t row, kb, ke;
  if (items) {
    row = a.item_row[group];
    kb = a.item_begin[group];
    ke = kb + a.item_len < a.row_ptr[row + 1] ? kb + a.item_len : a.row_ptr[row + 1];
  } else {
    row = group;
    kb = a.row_ptr[row];
    ke = a.row_ptr[row + 1];
  }
  float acc[T][V];
#pragma unroll
  for (int t = 0; t < T; ++t)
#pragma unroll
    for (int v = 0; v < V; ++v) acc[t][v] = 0.f;
  for (int64_t k0 = kb; k0 < ke; k0 += G) {
    const int64_t k = k0 + lane;
    int my_col = 0;
    float my_val = 0.f;
    if (k < ke) {
      my_col = a.col[k];
      my_val = a.val[k];
      if (vd.dropout.state) {
        const uint64_t index = vd.transposed ? static_cast<uint64_t>(my_col) * vd.mask_cols + row
                                             : static_cast<uint64_t>(row) * vd.mask_cols + my_col;
        my_val = keep(vd.dropout, index) ? my_val * vd.dropout.scale : 0.f;
      }
    }
    const int n = static_cast<int>(ke - k0 < G ? ke - k0 : G);
#pragma unroll 4
    for (int i = 0; i < n; ++i) {
      const int ci = __shfl_sync(mask, my_col, i, G);
      const float vi = __shfl_sync(mask, my_val, i, G);
      const float* brow = b + static_cast<int64_t>(ci) * width;
#pragma unroll
      for (int t = 0; t < T; ++t) {
        const int64_t j = static_cast<int64_t>(lane + t * G) * V;
        if (j >= width) continue;
        if constexpr (V == 4) {
          const float4 x = __ldg(reinterpret_cast<const float4*>(brow + j));
          acc[t][0] += vi * x.x;
          acc[t][1] += vi * x.y;
          acc[t][2] += vi * x.z;
          acc[t][3] += vi * x.w;
        } else {
          acc[t][0] += vi * __ldg(brow + j);
        }
      }
    }
  }
#pragma unroll
  for (int t = 0; t < T; ++t) {
    const int64_t j0 = static_cast<int64_t>(lane + t * G) * V;
    if (j0 >= width) continue;
    if (items) {
#pragma unroll
      for (int v = 0; v < V; ++v)
        if (j0 + v < width) atomicAdd(c + row * width + j0 + v, acc[t][v]);
    } else if constexpr (V == 4) {
      apply_epilogue4(ep, acc[t], row, j0, width);
#pragma unroll
      for (int v = 0; v < 4; ++v) c[row * width + j0 + v] = acc[t][v];
    } else {
      c[row * width + j0] = apply_epilogue(ep, acc[t][0], row, j0, width);
    }
  }
}

template <int G, int T, int V = 1>
void launch_spmm(const CsrView& a, const float* b, int64_t width, float* c, const ValueDropout& vd, const Epilogue& ep,
                 cudaStream_t stream) {
  const int64_t count = a.num_items > 0 ? a.num_items : a.rows;
  const int64_t grid = blocks_for(count * G);
  spmm_kernel<G, T, V><<<static_cast<unsigned>(grid), kBlock, 0, stream>>>(a, b, width, c, vd, ep);
  GCN_CUDA_CHECK_LAUNCH("spmm_kernel");
}

// Four consecutive elements per thread: the mask index of element i is i itself, so the four
// share one Philox call (the call costs more than the memory traffic of the elements).
__global__ void bias_relu_dropout_kernel(const float* in, float* out, int64_t rows, int64_t width, Epilogue ep) {
  const int64_t count = rows * width;
  const int64_t i0 = 4 * (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x);
  if (i0 >= count) return;
  float u[4] = {1.f, 1.f, 1.f, 1.f};
  if (ep.dropout.state) {
    const EpochState& s = *ep.dropout.state;
    dropout_uniforms4(s.seed, ep.dropout.layer, s.epoch, static_cast<uint64_t>(i0) >> 2, u);
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

__global__ void relu_dropout_backward_kernel(float* g, const float* d, int64_t count, float scale) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count) g[i] = d[i] > 0.f ? g[i] * scale : 0.f;
}

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
      const float inv = 1.f / static_cast<float>(args.end0);
      for (int c = lane; c < C; c += 32)
        args.grad[e * C + c] = (expf(z[c] - log_sum) - (c == label ? 1.f : 0.f)) * inv;
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
    out[args.out_offset[s]] = acc[2 * s] / counts[s];
    out[args.out_offset[s] + 1] = acc[2 * s + 1] / counts[s];
  }
  for (int i = 0; i < 4; ++i) acc[i] = 0;
  args.scratch->blocks_done = 0;
}

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

__global__ void end_epoch_kernel(EpochState* s) {
  s->epoch += 1;
  s->slot += 1;
  s->step += 1;
}

// One thread per row (load time only).
__global__ void csr_to_dense_kernel(CsrView a, float* dense) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.rows) return;
  for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) dense[r * a.cols + a.col[k]] = a.val[k];
}

__global__ void fill_kernel(float* x, int64_t count, float value) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count) x[i] = value;
}

int to_int(int64_t v, const char* what) {
  if (v > INT_MAX) fail(std::string("cuBLAS dimension ") + what + " = " + std::to_string(v) + " exceeds INT_MAX");
  return static_cast<int>(v);
}

}  // namespace

void spmm(const CsrView& a, const float* b, int64_t width, float* c, const ValueDropout& vd, const Epilogue& ep,
          cudaStream_t stream) {
  if (width < 1 || width > kMaxSpmmWidth)
    fail("cuda spmm: width " + std::to_string(width) + " outside 1.." + std::to_string(kMaxSpmmWidth));
  if ((a.num_items > 0 ? a.num_items : a.rows) == 0) return;
  if (a.num_items > 0 && a.item_len < 1) fail("cuda spmm: items without an item length");
  if (width % 4 == 0 && reinterpret_cast<uintptr_t>(b) % 16 == 0) {
    if (width <= 16) return launch_spmm<4, 1, 4>(a, b, width, c, vd, ep, stream);
    if (width <= 32) return launch_spmm<8, 1, 4>(a, b, width, c, vd, ep, stream);
    if (width <= 64) return launch_spmm<16, 1, 4>(a, b, width, c, vd, ep, stream);
    if (width <= 128) return launch_spmm<32, 1, 4>(a, b, width, c, vd, ep, stream);
    if (width <= 256) return launch_spmm<32, 2, 4>(a, b, width, c, vd, ep, stream);
    if (width <= 512) return launch_spmm<32, 4, 4>(a, b, width, c, vd, ep, stream);
    return launch_spmm<32, 8, 4>(a, b, width, c, vd, ep, stream);
  }
  if (width <= 8) return launch_spmm<8, 1>(a, b, width, c, vd, ep, stream);
  if (width <= 16) return launch_spmm<16, 1>(a, b, width, c, vd, ep, stream);
  if (width <= 32) return launch_spmm<32, 1>(a, b, width, c, vd, ep, stream);
  if (width <= 64) return launch_spmm<32, 2>(a, b, width, c, vd, ep, stream);
  if (width <= 128) return launch_spmm<32, 4>(a, b, width, c, vd, ep, stream);
  if (width <= 256) return launch_spmm<32, 8>(a, b, width, c, vd, ep, stream);
  if (width <= 512) return launch_spmm<32, 16>(a, b, width, c, vd, ep, stream);
  return launch_spmm<32, 32>(a, b, width, c, vd, ep, stream);
}

int64_t spmm_item_length(const std::vector<int64_t>& row_ptr) {
  const int64_t rows = static_cast<int64_t>(row_ptr.size()) - 1;
  if (rows <= 0) return 0;
  int64_t longest = 0;
  for (int64_t r = 0; r < rows; ++r) longest = std::max(longest, row_ptr[r + 1] - row_ptr[r]);
  const int64_t average = (row_ptr[rows] - row_ptr[0] + rows - 1) / rows;
  // Even rows of moderate length (reddit-like degrees) stay whole: items cost a zeroing pass,
  // atomics and a separate epilogue. A row beyond 64 entries and 4x the average is worth
  // cutting, and so is any row past 1024 entries (a few long rows, such as the columns of a
  // feature matrix, leave most of the GPU idle however even they are).
  if (longest <= std::max<int64_t>(64, 4 * average) && longest <= 1024) return 0;
  return std::clamp<int64_t>(2 * average, 64, 512);
}

void spmm_items(const std::vector<int64_t>& row_ptr, int64_t item_len, std::vector<int32_t>& item_row,
                std::vector<int64_t>& item_begin) {
  item_row.clear();
  item_begin.clear();
  if (item_len < 1) fail("cuda spmm: item length must be positive");
  for (size_t r = 0; r + 1 < row_ptr.size(); ++r)
    for (int64_t k = row_ptr[r]; k < row_ptr[r + 1]; k += item_len) {
      item_row.push_back(static_cast<int32_t>(r));
      item_begin.push_back(k);
    }
}

void bias_relu_dropout(const float* in, float* out, int64_t rows, int64_t width, const Epilogue& ep, cudaStream_t stream) {
  if (rows * width == 0) return;
  bias_relu_dropout_kernel<<<static_cast<unsigned>(blocks_for((rows * width + 3) / 4)), kBlock, 0, stream>>>(in, out, rows, width, ep);
  GCN_CUDA_CHECK_LAUNCH("bias_relu_dropout_kernel");
}

void relu_dropout_backward(const float* d, float* g, int64_t count, float scale, cudaStream_t stream) {
  if (count == 0) return;
  relu_dropout_backward_kernel<<<static_cast<unsigned>(blocks_for(count)), kBlock, 0, stream>>>(g, d, count, scale);
  GCN_CUDA_CHECK_LAUNCH("relu_dropout_backward_kernel");
}

void softmax_cross_entropy(const LossArgs& args, cudaStream_t stream) {
  if (args.end1 <= 0) fail("cuda softmax_cross_entropy: no entries");
  const int64_t warps_per_block = kBlock / 32;
  const int64_t grid = std::min<int64_t>((args.end1 + warps_per_block - 1) / warps_per_block, 132 * 8);
  softmax_ce_kernel<<<static_cast<unsigned>(grid), kBlock, 0, stream>>>(args);
  GCN_CUDA_CHECK_LAUNCH("softmax_ce_kernel");
}

void adam_update(const AdamArgs& args, cudaStream_t stream) {
  const int64_t n = args.seg_end[args.num_segments - 1];
  const int64_t grid = std::min<int64_t>(blocks_for(n), 132 * 8);
  adam_update_kernel<<<static_cast<unsigned>(std::max<int64_t>(grid, 1)), kBlock, 0, stream>>>(args);
  GCN_CUDA_CHECK_LAUNCH("adam_update_kernel");
}

void end_epoch(EpochState* state, cudaStream_t stream) {
  end_epoch_kernel<<<1, 1, 0, stream>>>(state);
  GCN_CUDA_CHECK_LAUNCH("end_epoch_kernel");
}

void csr_to_dense(const CsrView& a, float* dense, cudaStream_t stream) {
  if (a.rows == 0) return;
  csr_to_dense_kernel<<<static_cast<unsigned>(blocks_for(a.rows)), kBlock, 0, stream>>>(a, dense);
  GCN_CUDA_CHECK_LAUNCH("csr_to_dense_kernel");
}

void fill(float* x, int64_t count, float value, cudaStream_t stream) {
  if (count == 0) return;
  fill_kernel<<<static_cast<unsigned>(blocks_for(count)), kBlock, 0, stream>>>(x, count, value);
  GCN_CUDA_CHECK_LAUNCH("fill_kernel");
}

// Row-major C = A B is column-major C^T = B^T A^T: swap the operands, keep the shapes.
void gemm(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, to_int(n, "n"), to_int(m, "m"), to_int(k, "k"), &one, b,
                               to_int(n, "n"), a, to_int(k, "k"), &zero, c, to_int(n, "n")));
}

void gemm_at_b(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
               int64_t lda) {
  const float one = 1.f, zero = 0.f;
  if (lda == 0) lda = k;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_T, to_int(n, "n"), to_int(k, "k"), to_int(m, "m"), &one, b,
                               to_int(n, "n"), a, to_int(lda, "lda"), &zero, c, to_int(n, "n")));
}

void gemm_a_bt(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, to_int(k, "k"), to_int(m, "m"), to_int(n, "n"), &one, b,
                               to_int(n, "n"), a, to_int(n, "n"), &zero, c, to_int(k, "k")));
}

void bias_backward(cublasHandle_t h, const float* grad, float* bias_grad, int64_t rows, int64_t width, const float* ones) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemv(h, CUBLAS_OP_N, to_int(width, "width"), to_int(rows, "rows"), &one, grad,
                               to_int(width, "width"), ones, 1, &zero, bias_grad, 1));
}

}  // namespace gcn::cuda
