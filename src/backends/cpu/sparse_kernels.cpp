// Sparse products of the cpu backend: CSR SpMM for the adjacency, and the products with sparse
// input features with the input dropout fused in (the mask is drawn per stored element, 16 at a
// time, so X W costs nnz(X) x width and no dropped copy of X is ever stored).
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "backends/cpu/kernels.hpp"
#include "backends/cpu/philox_simd.hpp"

namespace gcn::cpu {
namespace {

typedef float v16 __attribute__((vector_size(64)));

// Rows per dynamic-schedule grab: rows differ in length (power-law degrees); dynamic scheduling
// balances them and, since each output row is computed by one thread in a fixed order, stays
// deterministic.
constexpr int64_t kRowGrain = 64;

// out (width) = sum_k scale[k] * val[k] * b[col[k], :] over a row's entries, in entry order.
// scale == nullptr means 1. width 16 (the hidden width) keeps the row in one vector register.
inline void accumulate_row(const int32_t* col, const float* val, const float* scale, int64_t count, const float* b,
                           int64_t width, float* out) {
  if (width == 16) {
    v16 acc = {};
    for (int64_t k = 0; k < count; ++k) {
      const float a = scale ? val[k] * scale[k] : val[k];
      v16 bk;
      std::memcpy(&bk, b + static_cast<int64_t>(col[k]) * 16, sizeof(v16));
      acc += a * bk;
    }
    std::memcpy(out, &acc, sizeof(v16));
    return;
  }
  for (int64_t j = 0; j < width; ++j) out[j] = 0.0f;
  for (int64_t k = 0; k < count; ++k) {
    const float a = scale ? val[k] * scale[k] : val[k];
    const float* bk = b + static_cast<int64_t>(col[k]) * width;
    for (int64_t j = 0; j < width; ++j) out[j] += a * bk[j];
  }
}

// scale[k] for the entries of row r of x (count <= kPhiloxLanes at a time).
inline void row_dropout_scales(const Csr<float>& x, int64_t r, int64_t first, int64_t count, const Dropout& drop,
                               float* scale) {
  uint64_t index[kPhiloxLanes];
  for (int64_t e = 0; e < count; ++e) index[e] = static_cast<uint64_t>(r * x.cols + x.col[first + e]);
  dropout_scales16(drop.seed, drop.layer, drop.epoch, index, static_cast<int>(count), static_cast<float>(drop.p),
                   1.0f / (1.0f - static_cast<float>(drop.p)), scale);
}

}  // namespace

void spmm(const Csr<float>& a, const float* b, int64_t width, float* c) {
#pragma omp parallel for schedule(dynamic, kRowGrain)
  for (int64_t r = 0; r < a.rows; ++r) {
    const int64_t begin = a.row_ptr[r];
    accumulate_row(a.col.data() + begin, a.val.data() + begin, nullptr, a.row_ptr[r + 1] - begin, b, width,
                   c + r * width);
  }
}

void sparse_dropout_matmul(const Csr<float>& x, const Dropout& drop, const float* w, int64_t width, float* c) {
  if (drop.p <= 0) return spmm(x, w, width, c);
#pragma omp parallel for schedule(dynamic, kRowGrain)
  for (int64_t r = 0; r < x.rows; ++r) {
    // A row's entries go kPhiloxLanes at a time: draw their mask, then accumulate in entry order
    // (the reference's summation order); width 16 keeps the output row in one register.
    float* out = c + r * width;
    v16 acc = {};
    if (width != 16) std::fill(out, out + width, 0.0f);
    float scale[kPhiloxLanes];
    for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; k += kPhiloxLanes) {
      const int64_t count = std::min<int64_t>(kPhiloxLanes, x.row_ptr[r + 1] - k);
      row_dropout_scales(x, r, k, count, drop, scale);
      for (int64_t e = 0; e < count; ++e) {
        const float a = x.val[k + e] * scale[e];
        const float* we = w + static_cast<int64_t>(x.col[k + e]) * width;
        if (width == 16) {
          v16 wv;
          std::memcpy(&wv, we, sizeof(v16));
          acc += a * wv;
        } else {
          for (int64_t j = 0; j < width; ++j) out[j] += a * we[j];
        }
      }
    }
    if (width == 16) std::memcpy(out, &acc, sizeof(v16));
  }
}

int64_t partial_slices() { return omp_get_max_threads(); }

void sparse_dropout_matmul_transposed(const Csr<float>& x, const Dropout& drop, const float* d, int64_t width,
                                      float* c, std::vector<float>& partials) {
  const int64_t slices = partial_slices();
  const int64_t slice_size = x.cols * width;
  if (static_cast<int64_t>(partials.size()) < slices * slice_size)
    partials.resize(static_cast<size_t>(slices * slice_size));  // the backend sizes it in load()
  const int64_t chunk_rows = (x.rows + slices - 1) / slices;
  const bool drop_on = drop.p > 0;
#pragma omp parallel for schedule(static, 1)
  for (int64_t s = 0; s < slices; ++s) {
    float* out = partials.data() + s * slice_size;
    std::fill(out, out + slice_size, 0.0f);
    float scale[kPhiloxLanes];
    const int64_t end = std::min(x.rows, (s + 1) * chunk_rows);
    for (int64_t r = s * chunk_rows; r < end; ++r) {
      const float* dr = d + r * width;
      for (int64_t k = x.row_ptr[r]; k < x.row_ptr[r + 1]; k += kPhiloxLanes) {
        const int64_t count = std::min<int64_t>(kPhiloxLanes, x.row_ptr[r + 1] - k);
        if (drop_on) row_dropout_scales(x, r, k, count, drop, scale);
        for (int64_t e = 0; e < count; ++e) {
          const float a = drop_on ? x.val[k + e] * scale[e] : x.val[k + e];
          float* o = out + static_cast<int64_t>(x.col[k + e]) * width;
          for (int64_t j = 0; j < width; ++j) o[j] += a * dr[j];
        }
      }
    }
  }
  // Slices added in slice order, elements split over threads.
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < slice_size; ++i) {
    float sum = partials[static_cast<size_t>(i)];
    for (int64_t s = 1; s < slices; ++s) sum += partials[static_cast<size_t>(s * slice_size + i)];
    c[i] = sum;
  }
}

}  // namespace gcn::cpu
