// Dense products of the cpu backend: cblas_sgemm, except for skinny right-hand sides (the GCN's
// 16 hidden or 7 class columns), where a register-blocked kernel of our own is used when it is
// faster (docs/benchmarks.md has the measurements). GCC vector extensions rather than intrinsics: the
// same code becomes AVX-512 with -march=native and SSE/AVX otherwise.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/ops/narrow_rows.hpp"
#include "backends/cpu/ops.hpp"
#include "core/error.hpp"

namespace gcn::cpu {
namespace {

SkinnyGemm skinny_choice = SkinnyGemm::Auto;

// c (m x N) = a (m x k) * b (k x N), N <= lanes(V). Threads take blocks of kRows rows of a; each
// block keeps its kRows output rows in registers while it streams the kRows rows of a once and b
// (small: k x N, cache-resident) in step: per element of a, one FMA with the element broadcast
// from memory. The row pointers are locals so that they stay in registers (indexing
// a[(i0 + r) * lda + p] made GCC keep the offsets on the stack and reload them for every FMA).
template <typename V, int N, int kRows>
void skinny_gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k) {
  const int64_t blocks = (m + kRows - 1) / kRows;
  const int64_t full = full_load_rows<V, N>(k);
#pragma omp parallel for schedule(static) if (m * k * N >= kMinParallelWork)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t i0 = blk * kRows;
    V acc[kRows] = {};
    if (i0 + kRows <= m) {
      const float* __restrict__ rows[kRows];
      for (int r = 0; r < kRows; ++r) rows[r] = a + (i0 + r) * lda;
      int64_t p = 0;
      for (; p < full; ++p) {
        V bp;
        load(bp, b + p * N);
#pragma GCC unroll 16
        for (int r = 0; r < kRows; ++r) acc[r] += rows[r][p] * bp;
      }
      for (; p < k; ++p) {
        V bp;
        load_row_tail<N>(bp, b + p * N);
        for (int r = 0; r < kRows; ++r) acc[r] += rows[r][p] * bp;
      }
      for (int r = 0; r < kRows; ++r) store_row<N>(c + (i0 + r) * N, acc[r]);
    } else {
      const int64_t count = m - i0;
      for (int64_t p = 0; p < k; ++p) {
        V bp;
        if (p < full) load(bp, b + p * N);
        else load_row_tail<N>(bp, b + p * N);
        for (int64_t r = 0; r < count; ++r) acc[r] += a[(i0 + r) * lda + p] * bp;
      }
      for (int64_t r = 0; r < count; ++r) store_row<N>(c + (i0 + r) * N, acc[r]);
    }
  }
}

// c (k x N) = a^T b, a (m x k), b (m x N), N <= lanes(V). Threads own strips of kCols columns of a
// (= kCols output rows, kept in registers) and walk down the rows of a in bands of kBandRows: a
// strip of one band is kBandRows pieces of 64 bytes at stride lda, and the next strip reads the
// neighbouring pieces of the same rows while they are still in L2 (walking a strip down all m
// rows at once touched a new page per row and ran 2.5x slower than OpenBLAS). Each output
// element is still summed in row order, starting from zero, so the result does not depend on the
// banding or the thread count, and no reduction across threads is needed.
template <typename V, int N, int kCols>
void skinny_gemm_at_b(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k) {
  constexpr int64_t kBandRows = 64;
  const int64_t strips = (k + kCols - 1) / kCols;
  const int64_t full = full_load_rows<V, N>(m);
#pragma omp parallel if (m * k * N >= kMinParallelWork)
  {
    for (int64_t band = 0; band < m; band += kBandRows) {
      const int64_t band_end = std::min(m, band + kBandRows);
#pragma omp for schedule(static) nowait
      for (int64_t s = 0; s < strips; ++s) {
        const int64_t j0 = s * kCols;
        const int64_t cols = std::min<int64_t>(kCols, k - j0);
        V acc[kCols] = {};
        if (band > 0)
          for (int64_t j = 0; j < cols; ++j) load_row_tail<N>(acc[j], c + (j0 + j) * N);
        if (cols == kCols) {
          for (int64_t i = band; i < band_end; ++i) {
            V bi;
            if (i < full) load(bi, b + i * N);
            else load_row_tail<N>(bi, b + i * N);
            const float* ai = a + i * lda + j0;
#pragma GCC unroll 16
            for (int j = 0; j < kCols; ++j) acc[j] += ai[j] * bi;
          }
        } else {
          for (int64_t i = band; i < band_end; ++i) {
            V bi;
            if (i < full) load(bi, b + i * N);
            else load_row_tail<N>(bi, b + i * N);
            const float* ai = a + i * lda + j0;
            for (int64_t j = 0; j < cols; ++j) acc[j] += ai[j] * bi;
          }
        }
        for (int64_t j = 0; j < cols; ++j) store_row<N>(c + (j0 + j) * N, acc[j]);
      }
    }
  }
}

// Output rows (skinny_gemm) or columns (skinny_gemm_at_b) of width 16 that a block keeps in
// registers. Each is an independent chain of FMAs, and there must be enough of them to hide the
// FMA latency, yet they must leave registers for the row of b and the broadcast. AVX-512: one
// register per row, 32 registers. AVX2: two halves per row, 16 registers, so 6 rows (12
// accumulators), which measured twice as fast as 4 (docs/benchmarks.md, "Measurements behind
// code choices").
constexpr int kBlockRows16 = kRegistersPerV16 == 1 ? 8 : 6;
constexpr int kBlockCols16 = kRegistersPerV16 == 1 ? 16 : 6;

bool use_own(int64_t n) {
  if (n > 16) return false;
  return skinny_choice != SkinnyGemm::Blas;
}

}  // namespace

int set_threads(int threads) {
  if (threads <= 0) threads = omp_get_num_procs();
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
  return threads;
}

const char* blas_description() {
  // openblas_get_config() already names the library, its version and the core in use.
  static const std::string text = openblas_get_config();
  return text.c_str();
}

void set_skinny_gemm(SkinnyGemm choice) { skinny_choice = choice; }

void gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  if (m == 0 || n == 0) return;
  if (use_own(n)) {
    return with_constant_width(n, [&]<int N>() {
      if constexpr (N <= 8) skinny_gemm<v8, N, 8>(a, lda, b, c, m, k);
      else skinny_gemm<v16, N, kBlockRows16>(a, lda, b, c, m, k);
    });
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(lda), b, static_cast<blasint>(n), 0.0f, c,
              static_cast<blasint>(n));
}

void gemm_at_b(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  if (k == 0 || n == 0) return;
  if (use_own(n)) {
    return with_constant_width(n, [&]<int N>() {
      if constexpr (N <= 8) skinny_gemm_at_b<v8, N, kVectorRegisters / 2>(a, lda, b, c, m, k);
      else skinny_gemm_at_b<v16, N, kBlockCols16>(a, lda, b, c, m, k);
    });
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<blasint>(k), static_cast<blasint>(n),
              static_cast<blasint>(m), 1.0f, a, static_cast<blasint>(lda), b, static_cast<blasint>(n), 0.0f, c,
              static_cast<blasint>(n));
}

namespace {

// c (m x K) = a (m x n) b^T, b (K x n): in every GCN use dZ_l W_l^T, n = out_w and K = in_w of a
// hidden layer, both small. Columns of b (rows of b^T, K wide) are gathered once; each output row
// is then n vector FMAs, summed over j in order as the reference does. Rows over threads.
template <int K>
void narrow_gemm_a_bt(const float* a, const float* b, float* c, int64_t m, int64_t n) {
  using V = RowVector<K>;
  V bt[kMaxConstantWidth] = {};
  for (int64_t j = 0; j < n; ++j)
    for (int p = 0; p < K; ++p) bt[j][p] = b[p * n + j];
#pragma omp parallel for schedule(static) if (m * n * K >= kMinParallelWork)
  for (int64_t i = 0; i < m; ++i) {
    const float* ai = a + i * n;
    V acc = {};
    for (int64_t j = 0; j < n; ++j) acc += ai[j] * bt[j];
    store_row<K>(c + i * K, acc);
  }
}

}  // namespace

void gemm_a_bt(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  if (n <= kMaxConstantWidth && k <= kMaxConstantWidth)
    return with_constant_width(k, [&]<int K>() { narrow_gemm_a_bt<K>(a, b, c, m, n); });
#pragma omp parallel for schedule(static) if (m * n * k >= kMinParallelWork)
  for (int64_t i = 0; i < m; ++i) {
    const float* ai = a + i * n;
    float* ci = c + i * k;
    for (int64_t p = 0; p < k; ++p) {
      const float* bp = b + p * n;
      float sum = 0;
      for (int64_t j = 0; j < n; ++j) sum += ai[j] * bp[j];
      ci[p] = sum;
    }
  }
}

}  // namespace gcn::cpu
