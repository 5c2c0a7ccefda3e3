// The cuda backend's own products for the GCN's tall-skinny shapes: C = A B and C = A^T B where
// A is m x k with k large (the features, or the dense n x n adjacency) and B has at most 16
// columns (a hidden width). cuBLAS's fp32 kernels split k for these shapes and reach a third to a
// half of the memory bandwidth; here A streams through shared memory once, each thread keeps a
// 4 x 4 block of C in registers, and the input dropout of A is applied from a bit mask as A is
// read, so the dropped copy of the features is never written.
#include <algorithm>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/ops/common.cuh"
#include "core/philox.hpp"

namespace gcn::cuda {
using namespace detail;

namespace {

constexpr int kThreads = 128;
constexpr int kMinBlocks = 4;  // per multiprocessor: caps the registers at 128 a thread, for the loads in flight
constexpr int kCols = kTallMaxColumns;  // a block covers every column of C
static_assert(kCols == 16, "the thread layout below assumes 16 columns: 4 groups of 4");
constexpr int kFwdRows = 128, kFwdDepth = 32;  // A tile of the forward product: rows x k
constexpr int kBwdRows = 32, kBwdDepth = 128;  // A tile of the transposed product: rows x k
constexpr int kPad = 4;  // floats of padding per shared row: float4-aligned, and the 8 rows a warp reads hit 8 bank quads

// Asynchronous copies from global to shared memory (cp.async, sm_80 and later): no registers
// hold the data in flight, and the bytes past src_bytes are filled with zeros, which is how the
// tiles get their zero rows past m and columns past k.
__device__ __forceinline__ void copy16_async(float* smem, const float* gmem, int src_bytes) {
  const auto s = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(src_bytes) : "memory");
}
__device__ __forceinline__ void copy4_async(float* smem, const float* gmem, int src_bytes) {
  const auto s = static_cast<unsigned>(__cvta_generic_to_shared(smem));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(s), "l"(gmem), "r"(src_bytes) : "memory");
}
__device__ __forceinline__ void commit_copies() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
__device__ __forceinline__ void wait_copies() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }

// The A elements a thread copies into a tile: row, col .. col+3 of A. Copies the four (zeros
// past m or k) and, under a mask, loads the two mask words that hold their keep bits.
struct TileSlot {
  int64_t row, col;
  bool valid;
};

__device__ __forceinline__ void copy_a4(float* smem, const float* a, int64_t lda, int64_t m, int64_t k,
                                        const TileSlot& slot, const InputMask& mask, uint32_t& keep_lo,
                                        uint32_t& keep_hi) {
  const int64_t left = k - slot.col;
  const int bytes = slot.valid ? static_cast<int>(left < 4 ? left * 4 : 16) : 0;
  copy16_async(smem, slot.valid ? a + slot.row * lda + slot.col : a, bytes);
  if (mask.bits && slot.valid) {
    // The mask has a spare word at its end, so the word after the last element's is in bounds.
    const uint64_t word = (static_cast<uint64_t>(slot.row) * mask.cols + slot.col) >> 5;
    keep_lo = mask.bits[word];
    keep_hi = mask.bits[word + 1];
  }
}

// Drops (and scales) the four copied elements of a slot in shared memory by their mask bits.
__device__ __forceinline__ void drop_a4(float* smem, const TileSlot& slot, const InputMask& mask, uint32_t keep_lo,
                                        uint32_t keep_hi) {
  if (!slot.valid) return;
  const uint32_t shift = static_cast<uint32_t>((static_cast<uint64_t>(slot.row) * mask.cols + slot.col) & 31);
  const uint32_t keep = static_cast<uint32_t>(((static_cast<uint64_t>(keep_hi) << 32) | keep_lo) >> shift);
  float4 v = *reinterpret_cast<float4*>(smem);
  v.x = keep & 1u ? v.x * mask.scale : 0.f;
  v.y = keep & 2u ? v.y * mask.scale : 0.f;
  v.z = keep & 4u ? v.z * mask.scale : 0.f;
  v.w = keep & 8u ? v.w * mask.scale : 0.f;
  *reinterpret_cast<float4*>(smem) = v;
}

// acc[0..3] += a * b (four columns of one row of C).
__device__ __forceinline__ void fma4(float acc[4], float a, const float4& b) {
  acc[0] = fmaf(a, b.x, acc[0]);
  acc[1] = fmaf(a, b.y, acc[1]);
  acc[2] = fmaf(a, b.z, acc[2]);
  acc[3] = fmaf(a, b.w, acc[3]);
}

// A tile of A (Rows x Depth, from row row0 and column col0) and one of B (BRows rows from row
// brow0, all 16 columns) in shared memory, copied asynchronously; under a mask each thread keeps
// the mask words of the A elements it copied until drop() applies them.
template <int Rows, int Depth, int BRows>
struct Tiles {
  static constexpr int kA4 = Rows * Depth / 4 / kThreads;  // float4 of A per thread
  static constexpr int kB = BRows * kCols / kThreads;      // floats of B per thread
  using ATile = float[Rows][Depth + kPad];
  using BTile = float[BRows][kCols];
  uint32_t keep_lo[kA4] = {}, keep_hi[kA4] = {};

  __device__ static TileSlot slot(int64_t row0, int64_t col0, int j, int64_t m, int64_t k) {
    const int idx = static_cast<int>(threadIdx.x) + j * kThreads;
    TileSlot s{row0 + idx / (Depth / 4), col0 + 4 * (idx % (Depth / 4)), false};
    s.valid = s.row < m && s.col < k;
    return s;
  }
  __device__ static float* cell(ATile& as, int j) {
    const int idx = static_cast<int>(threadIdx.x) + j * kThreads;
    return &as[idx / (Depth / 4)][4 * (idx % (Depth / 4))];
  }
  // A is m x k (row stride lda); B has b_rows rows of n columns.
  __device__ void copy(ATile& as, BTile& bs, const float* a, int64_t lda, int64_t m, int64_t k, int64_t row0,
                       int64_t col0, const float* b, int64_t b_rows, int n, int64_t brow0, const InputMask& mask) {
#pragma unroll
    for (int j = 0; j < kA4; ++j) copy_a4(cell(as, j), a, lda, m, k, slot(row0, col0, j, m, k), mask, keep_lo[j], keep_hi[j]);
#pragma unroll
    for (int j = 0; j < kB; ++j) {
      const int idx = static_cast<int>(threadIdx.x) + j * kThreads;
      const int64_t row = brow0 + idx / kCols;
      const int c = idx % kCols;
      const bool valid = row < b_rows && c < n;
      copy4_async(&bs[idx / kCols][c], valid ? b + row * n + c : b, valid ? 4 : 0);
    }
    commit_copies();
  }
  __device__ void drop(ATile& as, int64_t row0, int64_t col0, int64_t m, int64_t k, const InputMask& mask) const {
    if (!mask.bits) return;
#pragma unroll
    for (int j = 0; j < kA4; ++j) drop_a4(cell(as, j), slot(row0, col0, j, m, k), mask, keep_lo[j], keep_hi[j]);
  }
};

// The tiles [first, last) through two buffers: tile t + 1 is copied while tile t is multiplied.
// copy(t, buffer) issues a tile's copies, drop(t, buffer) applies its mask once it has landed,
// multiply(buffer) accumulates it.
template <typename Copy, typename Drop, typename Multiply>
__device__ __forceinline__ void pipeline(int64_t first, int64_t last, Copy&& copy, Drop&& drop, Multiply&& multiply) {
  if (first < last) copy(first, 0);
  for (int64_t t = first; t < last; ++t) {
    const int buf = static_cast<int>((t - first) & 1);
    wait_copies();
    drop(t, buf);
    __syncthreads();
    if (t + 1 < last) copy(t + 1, buf ^ 1);
    multiply(buf);
    __syncthreads();
  }
}

// C (m x n) = A B over the k tiles of blockIdx.y's share; out is C, or the partial sums of split
// s at out + s * m * n when k is split. Thread (rg, cq) owns C rows rg + 32i (i < 4), columns
// 4cq .. 4cq+3: per 4 steps of k, four float4 reads of A and four of B feed 64 FMAs.
__global__ void __launch_bounds__(kThreads, kMinBlocks) tall_gemm_kernel(const float* __restrict__ a, int64_t lda,
                                                                         const float* __restrict__ b,
                                                                         float* __restrict__ out, int64_t m, int64_t k,
                                                                         int n, InputMask mask, int64_t tiles_per_split) {
  using T = Tiles<kFwdRows, kFwdDepth, kFwdDepth>;
  __shared__ __align__(16) typename T::ATile as[2];
  __shared__ __align__(16) typename T::BTile bs[2];
  const int tid = static_cast<int>(threadIdx.x);
  const int cq = tid & 3, rg = tid >> 2;
  const int64_t r0 = static_cast<int64_t>(blockIdx.x) * kFwdRows;
  const int64_t k_tiles = (k + kFwdDepth - 1) / kFwdDepth;
  const int64_t first = static_cast<int64_t>(blockIdx.y) * tiles_per_split;
  const int64_t last = first + tiles_per_split < k_tiles ? first + tiles_per_split : k_tiles;
  T tiles;
  float acc[4][4] = {};
  pipeline(
      first, last,
      [&](int64_t t, int buf) { tiles.copy(as[buf], bs[buf], a, lda, m, k, r0, t * kFwdDepth, b, k, n, t * kFwdDepth, mask); },
      [&](int64_t t, int buf) { tiles.drop(as[buf], r0, t * kFwdDepth, m, k, mask); },
      [&](int buf) {
#pragma unroll
        for (int kk = 0; kk < kFwdDepth; kk += 4) {
          float4 bv[4];
#pragma unroll
          for (int j = 0; j < 4; ++j) bv[j] = *reinterpret_cast<const float4*>(&bs[buf][kk + j][4 * cq]);
#pragma unroll
          for (int i = 0; i < 4; ++i) {
            const float4 av = *reinterpret_cast<const float4*>(&as[buf][rg + 32 * i][kk]);
            fma4(acc[i], av.x, bv[0]);
            fma4(acc[i], av.y, bv[1]);
            fma4(acc[i], av.z, bv[2]);
            fma4(acc[i], av.w, bv[3]);
          }
        }
      });
  float* c = out + static_cast<int64_t>(blockIdx.y) * m * n;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t row = r0 + rg + 32 * i;
    if (row >= m) continue;
#pragma unroll
    for (int v = 0; v < 4; ++v)
      if (4 * cq + v < n) c[row * n + 4 * cq + v] = acc[i][v];
  }
}

// C (k x n) = A^T B, A m x k, B m x n, over the m tiles of blockIdx.y's share, for the k columns
// of blockIdx.x; out as in tall_gemm_kernel, partial sums of split s at out + s * k * n. Thread
// (kg, cq) owns C rows k0 + 4kg .. 4kg+3, columns 4cq .. 4cq+3: per row of A, one float4 of A
// and one of B feed 16 FMAs.
__global__ void __launch_bounds__(kThreads, kMinBlocks) tall_gemm_at_b_kernel(const float* __restrict__ a, int64_t lda,
                                                                              const float* __restrict__ b,
                                                                              float* __restrict__ out, int64_t m,
                                                                              int64_t k, int n, InputMask mask,
                                                                              int64_t tiles_per_split) {
  using T = Tiles<kBwdRows, kBwdDepth, kBwdRows>;
  __shared__ __align__(16) typename T::ATile as[2];
  __shared__ __align__(16) typename T::BTile bs[2];
  const int tid = static_cast<int>(threadIdx.x);
  const int cq = tid & 3, kg = tid >> 2;
  const int64_t k0 = static_cast<int64_t>(blockIdx.x) * kBwdDepth;
  const int64_t m_tiles = (m + kBwdRows - 1) / kBwdRows;
  const int64_t first = static_cast<int64_t>(blockIdx.y) * tiles_per_split;
  const int64_t last = first + tiles_per_split < m_tiles ? first + tiles_per_split : m_tiles;
  T tiles;
  float acc[4][4] = {};
  pipeline(
      first, last,
      [&](int64_t t, int buf) { tiles.copy(as[buf], bs[buf], a, lda, m, k, t * kBwdRows, k0, b, m, n, t * kBwdRows, mask); },
      [&](int64_t t, int buf) { tiles.drop(as[buf], t * kBwdRows, k0, m, k, mask); },
      [&](int buf) {
#pragma unroll 8
        for (int r = 0; r < kBwdRows; ++r) {
          const float4 bv = *reinterpret_cast<const float4*>(&bs[buf][r][4 * cq]);
          const float4 av = *reinterpret_cast<const float4*>(&as[buf][r][4 * kg]);
          fma4(acc[0], av.x, bv);
          fma4(acc[1], av.y, bv);
          fma4(acc[2], av.z, bv);
          fma4(acc[3], av.w, bv);
        }
      });
  float* c = out + static_cast<int64_t>(blockIdx.y) * k * n;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t col = k0 + 4 * kg + i;
    if (col >= k) continue;
#pragma unroll
    for (int v = 0; v < 4; ++v)
      if (4 * cq + v < n) c[col * n + 4 * cq + v] = acc[i][v];
  }
}

// c[i] = sum over s of partials[s * count + i], in split order (the same sum on every run).
__global__ void sum_splits_kernel(const float* __restrict__ partials, float* __restrict__ c, int64_t count,
                                  int64_t splits) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  float s = 0.f;
  for (int64_t p = 0; p < splits; ++p) s += partials[p * count + i];
  c[i] = s;
}

// Word w of the mask holds the keep bits of elements 32w .. 32w+31: eight Philox groups.
__global__ void dropout_keep_bits_kernel(DeviceDropout d, int64_t words, uint32_t* bits) {
  const int64_t w = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (w >= words) return;
  const EpochState& s = *d.state;
  uint32_t word = 0;
#pragma unroll
  for (int g = 0; g < 8; ++g) {
    float u[4];
    dropout_uniforms4(s.seed, d.layer, s.epoch, static_cast<uint64_t>(w) * 8 + g, u);
#pragma unroll
    for (int v = 0; v < 4; ++v)
      if (u[v] >= d.p) word |= 1u << (4 * g + v);
  }
  bits[w] = word;
}

int multiprocessors() {
  static const int count = [] {
    int device = 0, sms = 0;
    if (cudaGetDevice(&device) != cudaSuccess || cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
      cudaGetLastError();
      return 132;
    }
    return sms;
  }();
  return count;
}

// How many pieces the reduction dimension (tiles of it) is cut into: enough blocks for four per
// multiprocessor, no more pieces than tiles, and partial sums that fit in the workspace.
int64_t split_count(int64_t other_blocks, int64_t tiles, int64_t partial_floats, int64_t workspace_floats) {
  const int64_t target = 4 * static_cast<int64_t>(multiprocessors());
  int64_t splits = std::min<int64_t>(tiles, std::max<int64_t>(1, (target + other_blocks - 1) / other_blocks));
  if (splits > 1) splits = std::min<int64_t>(splits, workspace_floats / std::max<int64_t>(1, partial_floats));
  return std::max<int64_t>(1, splits);
}

void check_tall(const char* what, const float* a, int64_t lda, int64_t k, int64_t n) {
  if (!tall_product_applies(a, lda, k, n))
    fail(std::string("cuda ") + what + ": shape k=" + std::to_string(k) + " n=" + std::to_string(n) + " lda=" +
         std::to_string(lda) + " is not one the tall-skinny kernels take");
}

void finish_splits(const DenseContext& ctx, float* c, int64_t count, int64_t splits) {
  if (splits == 1) return;
  sum_splits_kernel<<<static_cast<unsigned>(blocks_for(count)), kBlock, 0, ctx.stream>>>(ctx.workspace, c, count, splits);
  GCN_CUDA_CHECK_LAUNCH("sum_splits_kernel");
}

}  // namespace

bool tall_product_applies(const float* a, int64_t lda, int64_t k, int64_t n) {
  return n >= 1 && n <= kTallMaxColumns && k >= kTallMinDepth && lda >= k && lda % 4 == 0 &&
         reinterpret_cast<uintptr_t>(a) % 16 == 0;
}

int64_t keep_bits_words(int64_t count) { return (count + 31) / 32 + 1; }

void dropout_keep_bits(const DeviceDropout& d, int64_t count, uint32_t* bits, cudaStream_t stream) {
  if (d.first_index != 0) fail("cuda dropout_keep_bits: the mask of a rank's rows (first_index > 0) is not drawn as bits");
  const int64_t words = (count + 31) / 32;
  if (words == 0) return;
  dropout_keep_bits_kernel<<<static_cast<unsigned>(blocks_for(words)), kBlock, 0, stream>>>(d, words, bits);
  GCN_CUDA_CHECK_LAUNCH("dropout_keep_bits_kernel");
}

void tall_gemm(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
               int64_t n, const InputMask& mask) {
  check_tall("tall_gemm", a, lda, k, n);
  if (m == 0) return;
  const int64_t row_blocks = (m + kFwdRows - 1) / kFwdRows;
  const int64_t k_tiles = (k + kFwdDepth - 1) / kFwdDepth;
  int64_t splits = split_count(row_blocks, k_tiles, m * n, ctx.workspace_floats);
  const int64_t per = (k_tiles + splits - 1) / splits;
  splits = (k_tiles + per - 1) / per;
  if (row_blocks > 0x7fffffff || splits > 65535) fail("cuda tall_gemm: shape too large for one launch");
  const dim3 grid(static_cast<unsigned>(row_blocks), static_cast<unsigned>(splits));
  tall_gemm_kernel<<<grid, kThreads, 0, ctx.stream>>>(a, lda, b, splits == 1 ? c : ctx.workspace, m, k,
                                                      static_cast<int>(n), mask, per);
  GCN_CUDA_CHECK_LAUNCH("tall_gemm_kernel");
  finish_splits(ctx, c, m * n, splits);
}

void tall_gemm_at_b(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
                    int64_t n, const InputMask& mask) {
  check_tall("tall_gemm_at_b", a, lda, k, n);
  if (m == 0) {
    GCN_CUDA_CHECK(cudaMemsetAsync(c, 0, k * n * sizeof(float), ctx.stream));
    return;
  }
  const int64_t col_blocks = (k + kBwdDepth - 1) / kBwdDepth;
  const int64_t m_tiles = (m + kBwdRows - 1) / kBwdRows;
  int64_t splits = split_count(col_blocks, m_tiles, k * n, ctx.workspace_floats);
  const int64_t per = (m_tiles + splits - 1) / splits;
  splits = (m_tiles + per - 1) / per;
  if (col_blocks > 0x7fffffff || splits > 65535) fail("cuda tall_gemm_at_b: shape too large for one launch");
  const dim3 grid(static_cast<unsigned>(col_blocks), static_cast<unsigned>(splits));
  tall_gemm_at_b_kernel<<<grid, kThreads, 0, ctx.stream>>>(a, lda, b, splits == 1 ? c : ctx.workspace, m, k,
                                                           static_cast<int>(n), mask, per);
  GCN_CUDA_CHECK_LAUNCH("tall_gemm_at_b_kernel");
  finish_splits(ctx, c, k * n, splits);
}

}  // namespace gcn::cuda
