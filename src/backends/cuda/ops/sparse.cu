// CSR SpMM (and the CSR to dense copy of load time) of the cuda backend. Each comment says how
// the work is split over threads.
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

// Rows (or items) below which a launch of one group per row leaves the GPU mostly idle, so the
// whole warp takes each row (S = 32 / G).
constexpr int64_t kFewRowsLanes = int64_t(1) << 16;
bool a_few_rows(int64_t rows) { return rows < kFewRowsLanes / 16; }

// SpMM: a group of G lanes (G = 4 to 32) owns one row (or one item of a long row); lane i owns
// output columns V*i.., V*(i+G).., ..., T column blocks of V (V = 4: float4 loads, used when the
// width is a multiple of 4 and b is 16-byte aligned). The group reads G stored entries at a time
// (coalesced col/val loads, dropout applied there), then broadcasts each by shuffle and every
// lane gathers its columns of the matching row of b: rows of b are read contiguously, and with
// V = 4 one warp instruction fetches 32 / G whole rows of a 16-wide b instead of 2.
// With S > 1, S groups share a row (for launches of few rows, such as the train rows of a large
// graph, that would leave most of the GPU idle): group s takes every S-th run of G entries, and
// the S partial rows are summed by shuffles before the first group stores the row.
template <int G, int T, int V, int S = 1>
__global__ void __launch_bounds__(kBlock) spmm_kernel(CsrView a, const float* __restrict__ b, int64_t width,
                                                      float* __restrict__ c, ValueDropout vd, Epilogue ep) {
  static_assert(G * S <= 32, "the groups of a row share one warp");
  const int64_t group = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / (G * S);
  const int lane = threadIdx.x % G;
  const int sub = static_cast<int>(threadIdx.x / G) % S;
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
  for (int64_t k0 = kb + sub * G; k0 < ke; k0 += G * S) {
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
  if constexpr (S > 1) {
    const unsigned row_lanes = G * S == 32 ? 0xffffffffu : (((1u << (G * S)) - 1u) << ((threadIdx.x % 32) / (G * S) * (G * S)));
#pragma unroll
    for (int o = G; o < G * S; o *= 2)
#pragma unroll
      for (int t = 0; t < T; ++t)
#pragma unroll
        for (int v = 0; v < V; ++v) acc[t][v] += __shfl_xor_sync(row_lanes, acc[t][v], o);
    if (sub != 0) return;
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
  if constexpr (G < 32) {
    if (count * G < kFewRowsLanes) {
      constexpr int S = 32 / G;
      spmm_kernel<G, T, V, S><<<static_cast<unsigned>(blocks_for(count * 32)), kBlock, 0, stream>>>(a, b, width, c, vd, ep);
      GCN_CUDA_CHECK_LAUNCH("spmm_kernel");
      return;
    }
  }
  const int64_t grid = blocks_for(count * G);
  spmm_kernel<G, T, V><<<static_cast<unsigned>(grid), kBlock, 0, stream>>>(a, b, width, c, vd, ep);
  GCN_CUDA_CHECK_LAUNCH("spmm_kernel");
}

// One thread per row (load time only).
__global__ void csr_to_dense_kernel(CsrView a, float* dense, int64_t ld) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.rows) return;
  for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) dense[r * ld + a.col[k]] = a.val[k];
}

}  // namespace

void spmm(const CsrView& a, const float* b, int64_t width, float* c, const ValueDropout& vd, const Epilogue& ep,
          cudaStream_t stream) {
  if (width < 1 || width > kMaxSpmmWidth)
    fail("cuda spmm: width " + std::to_string(width) + " outside 1.." + std::to_string(kMaxSpmmWidth));
  if ((a.num_items > 0 ? a.num_items : a.rows) == 0) return;
  if (a.num_items > 0 && a.item_len < 1) fail("cuda spmm: items without an item length");
  if (ep.dropout.state && width % 4 == 0 && ep.dropout.first_index % 4 != 0)
    fail("cuda spmm: an epilogue's dropout at width " + std::to_string(width) + " needs a first mask index divisible by 4");
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
  // feature matrix, leave most of the GPU idle however even they are). Below kFewRowsLanes / 16
  // rows every launch gives each row a whole warp (launch_spmm, for groups of up to 16 lanes),
  // which walks a row of 1024 entries in 32 steps: only longer rows are cut there.
  if (longest <= 1024 && a_few_rows(rows)) return 0;
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

void csr_to_dense(const CsrView& a, float* dense, int64_t ld, cudaStream_t stream) {
  if (a.rows == 0) return;
  if (ld < a.cols) fail("cuda csr_to_dense: row stride " + std::to_string(ld) + " below the " + std::to_string(a.cols) + " columns");
  csr_to_dense_kernel<<<static_cast<unsigned>(blocks_for(a.rows)), kBlock, 0, stream>>>(a, dense, ld);
  GCN_CUDA_CHECK_LAUNCH("csr_to_dense_kernel");
}

}  // namespace gcn::cuda
