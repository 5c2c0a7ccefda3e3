// Sparse products of the cpu backend: CSR SpMM for the adjacency, and the products with sparse
// input features under input dropout: the mask is drawn per stored element only (16 at a time),
// kept as one scale per stored element for the backward, and applied inside the products, so
// X W costs nnz(X) x width and no dropped copy of X is ever made.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "backends/cpu/ops.hpp"
#include "backends/cpu/ops/narrow_rows.hpp"
#include "backends/cpu/ops/philox_simd.hpp"
#include "core/error.hpp"

namespace gcn::cpu {
namespace {

// Rows per dynamic-schedule grab: rows differ in length (power-law degrees); dynamic scheduling
// balances them and, since each output row is computed by one thread in a fixed order, stays
// deterministic.
constexpr int64_t kRowGrain = 64;
// Entries ahead of the current one whose row of the dense operand is prefetched in SpMM.
constexpr int64_t kPrefetchAhead = 16;

// How the stored values of x are scaled in a product: not at all, by scale[k], or by
// scale[entry[k]] (x a transposed copy whose entry k is entry[k] of the matrix scale belongs to).
enum class Scaling { None, Direct, Indirect };

// c (x.rows x N) = x' b, x' = x with its stored values scaled as `kScaling` says. Each output row
// is summed in entry order (the reference's) in one vector register. (Running four rows' sums
// side by side, to have more FMA chains in flight, measured no faster: the gathers of b's rows
// bound the loop, not the FMA latency.)
template <int N, Scaling kScaling, bool kPrefetch>
void scaled_spmm_narrow_rows(const Csr<float>& x, const float* scale, const int32_t* entry, const float* b, float* c) {
  using V = RowVector<N>;
  const int64_t full = full_load_rows<V, N>(x.cols);
  const int64_t nnz = x.nnz();
#pragma omp parallel for schedule(dynamic, kRowGrain) if (nnz * N >= kMinParallelWork)
  for (int64_t r = 0; r < x.rows; ++r) {
    V acc = {};
    for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; ++k) {
      // The rows of b that entries kPrefetchAhead further on will need: on a large random graph
      // every gather misses the caches, and the loop alone keeps too few misses in flight.
      if constexpr (kPrefetch)
        if (k + kPrefetchAhead < nnz) __builtin_prefetch(b + static_cast<int64_t>(x.col[k + kPrefetchAhead]) * N);
      float a = x.val[k];
      if constexpr (kScaling == Scaling::Direct) a *= scale[k];
      if constexpr (kScaling == Scaling::Indirect) a *= scale[entry[k]];
      V bk;
      load_row<N>(bk, b, x.col[k], full);
      acc += a * bk;
    }
    store_row<N>(c + r * N, acc);
  }
}

// b small enough to stay in L2 (Cora's W_0: 92 KB) is gathered at L2 bandwidth, and prefetching
// it only adds instructions (docs/benchmarks.md, "Measurements behind code choices").
constexpr int64_t kPrefetchAboveBytes = int64_t{1} << 20;

template <int N, Scaling kScaling>
void scaled_spmm_narrow(const Csr<float>& x, const float* scale, const int32_t* entry, const float* b, float* c) {
  if (x.cols * N * static_cast<int64_t>(sizeof(float)) > kPrefetchAboveBytes)
    scaled_spmm_narrow_rows<N, kScaling, true>(x, scale, entry, b, c);
  else
    scaled_spmm_narrow_rows<N, kScaling, false>(x, scale, entry, b, c);
}

void scaled_spmm_wide(const Csr<float>& x, const float* scale, const float* b, int64_t width, float* c) {
#pragma omp parallel for schedule(dynamic, kRowGrain) if (x.nnz() * width >= kMinParallelWork)
  for (int64_t r = 0; r < x.rows; ++r) {
    float* out = c + r * width;
    std::fill(out, out + width, 0.0f);
    for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; ++k) {
      const float a = scale ? x.val[k] * scale[k] : x.val[k];
      const float* bk = b + static_cast<int64_t>(x.col[k]) * width;
      for (int64_t j = 0; j < width; ++j) out[j] += a * bk[j];
    }
  }
}

// Rows [begin, end) of x'^T d scattered into out (x.cols x N), in row then entry order.
template <int N>
void scatter_rows_narrow(const Csr<float>& x, const float* scale, const float* d, int64_t begin, int64_t end,
                         float* out) {
  using V = RowVector<N>;
  const int64_t full_d = full_load_rows<V, N>(x.rows), full_out = full_load_rows<V, N>(x.cols);
  for (int64_t r = begin; r < end; ++r) {
    V dr;
    load_row<N>(dr, d, r, full_d);
    for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; ++k) {
      const float a = scale ? x.val[k] * scale[k] : x.val[k];
      V o;
      load_row<N>(o, out, x.col[k], full_out);
      o += a * dr;
      store_row<N>(out + static_cast<int64_t>(x.col[k]) * N, o);
    }
  }
}

void scatter_rows_wide(const Csr<float>& x, const float* scale, const float* d, int64_t width, int64_t begin,
                       int64_t end, float* out) {
  for (int64_t r = begin; r < end; ++r) {
    const float* dr = d + r * width;
    for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; ++k) {
      const float a = scale ? x.val[k] * scale[k] : x.val[k];
      float* o = out + static_cast<int64_t>(x.col[k]) * width;
      for (int64_t j = 0; j < width; ++j) o[j] += a * dr[j];
    }
  }
}

}  // namespace

void spmm(const Csr<float>& a, const float* b, int64_t width, float* c) { sparse_scaled_matmul(a, nullptr, b, width, c); }

void sparse_dropout_scales(const Csr<float>& x, const DropoutSpec& drop, float* scale) {
  // Chunks of stored elements (a multiple of 16), not rows: Cora's rows hold ~18 entries, and
  // drawing row by row left most of the second Philox call of every row idle.
  constexpr int64_t kChunk = 64 * kPhiloxLanes;
  const int64_t nnz = x.nnz();
  const int64_t chunks = (nnz + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) if (nnz * kPhiloxWork >= kMinParallelWork)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    const int64_t first = chunk * kChunk, end = std::min(nnz, first + kChunk);
    // The row holding entry `first`: the last row whose start is <= first.
    int64_t r = std::upper_bound(x.row_ptr.begin(), x.row_ptr.end(), first) - x.row_ptr.begin() - 1;
    uint64_t index[kPhiloxLanes];
    for (int64_t k = first; k < end; k += kPhiloxLanes) {
      const int64_t count = std::min<int64_t>(kPhiloxLanes, end - k);
      for (int64_t e = 0; e < count; ++e) {
        while (k + e >= x.row_ptr[r + 1]) ++r;
        index[e] = static_cast<uint64_t>(r * x.cols + x.col[k + e]);
      }
      dropout_scales16(drop.seed, drop.layer, drop.epoch, index, static_cast<int>(count), static_cast<float>(drop.p),
                       1.0f / (1.0f - static_cast<float>(drop.p)), scale + k);
    }
  }
}

void sparse_scaled_matmul(const Csr<float>& x, const float* scale, const float* w, int64_t width, float* c) {
  if (width > kMaxConstantWidth) return scaled_spmm_wide(x, scale, w, width, c);
  with_constant_width(width, [&]<int N>() {
    if (scale)
      scaled_spmm_narrow<N, Scaling::Direct>(x, scale, nullptr, w, c);
    else
      scaled_spmm_narrow<N, Scaling::None>(x, nullptr, nullptr, w, c);
  });
}

void sparse_scaled_matmul_transposed(const TransposedCsr& xt, const float* scale, const float* d, int64_t width,
                                     float* c) {
  if (width > kMaxConstantWidth) fail("internal: transposed gather product for width > 16");
  with_constant_width(width, [&]<int N>() {
    if (scale)
      scaled_spmm_narrow<N, Scaling::Indirect>(xt.matrix, scale, xt.entry.data(), d, c);
    else
      scaled_spmm_narrow<N, Scaling::None>(xt.matrix, nullptr, nullptr, d, c);
  });
}

TransposedCsr transpose_with_entries(const Csr<float>& x) {
  Csr<int32_t> index;
  index.rows = x.rows;
  index.cols = x.cols;
  index.row_ptr = x.row_ptr;
  index.col = x.col;
  index.val.resize(static_cast<size_t>(x.nnz()));
  for (int64_t k = 0; k < x.nnz(); ++k) index.val[static_cast<size_t>(k)] = static_cast<int32_t>(k);
  Csr<int32_t> t = transpose(index);
  TransposedCsr out;
  out.matrix.rows = t.rows;
  out.matrix.cols = t.cols;
  out.matrix.row_ptr = std::move(t.row_ptr);
  out.matrix.col = std::move(t.col);
  out.matrix.val.resize(t.val.size());
  for (size_t k = 0; k < t.val.size(); ++k) out.matrix.val[k] = x.val[static_cast<size_t>(t.val[k])];
  out.entry = std::move(t.val);
  return out;
}

void sparse_dropout_matmul(const Csr<float>& x, const DropoutSpec& drop, const float* w, int64_t width, float* c) {
  if (drop.p <= 0) return sparse_scaled_matmul(x, nullptr, w, width, c);
  std::vector<float> scale(static_cast<size_t>(x.nnz()));
  sparse_dropout_scales(x, drop, scale.data());
  sparse_scaled_matmul(x, scale.data(), w, width, c);
}

int64_t partial_slices() { return omp_get_max_threads(); }

void sparse_scaled_matmul_transposed(const Csr<float>& x, const float* scale, const float* d, int64_t width, float* c,
                                     std::vector<float>& partials) {
  const int64_t slices = partial_slices();
  const int64_t slice_size = x.cols * width;
  if (static_cast<int64_t>(partials.size()) < slices * slice_size)
    partials.resize(static_cast<size_t>(slices * slice_size));  // the backend sizes it in load()
  const int64_t chunk_rows = (x.rows + slices - 1) / slices;
#pragma omp parallel for schedule(static, 1) if (x.nnz() * width >= kMinParallelWork)
  for (int64_t s = 0; s < slices; ++s) {
    float* out = partials.data() + s * slice_size;
    std::fill(out, out + slice_size, 0.0f);
    const int64_t end = std::min(x.rows, (s + 1) * chunk_rows);
    const int64_t begin = std::min(x.rows, s * chunk_rows);
    if (width > kMaxConstantWidth)
      scatter_rows_wide(x, scale, d, width, begin, end, out);
    else
      with_constant_width(width, [&]<int N>() { scatter_rows_narrow<N>(x, scale, d, begin, end, out); });
  }
  // Slices added in slice order, elements split over threads.
#pragma omp parallel for schedule(static) if (slices * slice_size >= kMinParallelWork)
  for (int64_t i = 0; i < slice_size; ++i) {
    float sum = partials[static_cast<size_t>(i)];
    for (int64_t s = 1; s < slices; ++s) sum += partials[static_cast<size_t>(s * slice_size + i)];
    c[i] = sum;
  }
}

void sparse_dropout_matmul_transposed(const Csr<float>& x, const DropoutSpec& drop, const float* d, int64_t width,
                                      float* c, std::vector<float>& partials) {
  if (drop.p <= 0) return sparse_scaled_matmul_transposed(x, nullptr, d, width, c, partials);
  std::vector<float> scale(static_cast<size_t>(x.nnz()));
  sparse_dropout_scales(x, drop, scale.data());
  sparse_scaled_matmul_transposed(x, scale.data(), d, width, c, partials);
}

}  // namespace gcn::cpu
