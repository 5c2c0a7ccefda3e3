// Dense products of the cpu backend: cblas_sgemm, except for skinny right-hand sides (the GCN's
// 16 hidden or 7 class columns), where a register-blocked kernel of our own is used when it is
// faster (docs/benchmarks.md has the measurements). GCC vector extensions rather than intrinsics: the
// same code becomes AVX-512 with -march=native and SSE/AVX otherwise.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "backends/cpu/kernels.hpp"
#include "core/error.hpp"

namespace gcn::cpu {
namespace {

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

SkinnyGemm skinny_choice = SkinnyGemm::Auto;

template <typename V>
constexpr int lanes() {
  return static_cast<int>(sizeof(V) / sizeof(float));
}

template <typename V>
inline V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}

// Rows p of the k x N row-major b for which a full vector load (lanes(V) >= N floats) stays inside b.
// The lanes past N then hold the start of row p + 1: they are multiplied into accumulator lanes
// that are never stored, which spares a masked or partial load in the inner loop. Only the last
// rows are loaded partially (N is a constant there, so the copy is inlined).
template <typename V, int N>
constexpr int64_t full_load_rows(int64_t k) {
  const int64_t total = k * N;
  return total >= lanes<V>() ? (total - lanes<V>()) / N + 1 : 0;
}

template <typename V, int N>
inline V load_row_tail(const float* row) {
  V v = {};
  std::memcpy(&v, row, N * sizeof(float));
  return v;
}

// c (m x N) = a (m x k) * b (k x N), N <= lanes(V). Threads take blocks of kRows rows of a; each
// block keeps its kRows output rows in registers while it streams the kRows rows of a once and b
// (small: k x N, cache-resident) in step: per element of a, one FMA with the element broadcast
// from memory. The row pointers are locals so that they stay in registers (indexing
// a[(i0 + r) * lda + p] made GCC keep the offsets on the stack and reload them for every FMA).
template <typename V, int N, int kRows>
void skinny_gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k) {
  const int64_t blocks = (m + kRows - 1) / kRows;
  const int64_t full = full_load_rows<V, N>(k);
#pragma omp parallel for schedule(static)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t i0 = blk * kRows;
    V acc[kRows] = {};
    if (i0 + kRows <= m) {
      const float* __restrict__ rows[kRows];
      for (int r = 0; r < kRows; ++r) rows[r] = a + (i0 + r) * lda;
      int64_t p = 0;
      for (; p < full; ++p) {
        const V bp = load<V>(b + p * N);
#pragma GCC unroll 16
        for (int r = 0; r < kRows; ++r) acc[r] += rows[r][p] * bp;
      }
      for (; p < k; ++p) {
        const V bp = load_row_tail<V, N>(b + p * N);
        for (int r = 0; r < kRows; ++r) acc[r] += rows[r][p] * bp;
      }
      for (int r = 0; r < kRows; ++r) std::memcpy(c + (i0 + r) * N, &acc[r], N * sizeof(float));
    } else {
      const int64_t count = m - i0;
      for (int64_t p = 0; p < k; ++p) {
        const V bp = p < full ? load<V>(b + p * N) : load_row_tail<V, N>(b + p * N);
        for (int64_t r = 0; r < count; ++r) acc[r] += a[(i0 + r) * lda + p] * bp;
      }
      for (int64_t r = 0; r < count; ++r) std::memcpy(c + (i0 + r) * N, &acc[r], N * sizeof(float));
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
#pragma omp parallel
  {
    for (int64_t band = 0; band < m; band += kBandRows) {
      const int64_t band_end = std::min(m, band + kBandRows);
#pragma omp for schedule(static) nowait
      for (int64_t s = 0; s < strips; ++s) {
        const int64_t j0 = s * kCols;
        const int64_t cols = std::min<int64_t>(kCols, k - j0);
        V acc[kCols] = {};
        if (band > 0)
          for (int64_t j = 0; j < cols; ++j) std::memcpy(&acc[j], c + (j0 + j) * N, N * sizeof(float));
        if (cols == kCols) {
          for (int64_t i = band; i < band_end; ++i) {
            const V bi = i < full ? load<V>(b + i * N) : load_row_tail<V, N>(b + i * N);
            const float* ai = a + i * lda + j0;
#pragma GCC unroll 16
            for (int j = 0; j < kCols; ++j) acc[j] += ai[j] * bi;
          }
        } else {
          for (int64_t i = band; i < band_end; ++i) {
            const V bi = i < full ? load<V>(b + i * N) : load_row_tail<V, N>(b + i * N);
            const float* ai = a + i * lda + j0;
            for (int64_t j = 0; j < cols; ++j) acc[j] += ai[j] * bi;
          }
        }
        for (int64_t j = 0; j < cols; ++j) std::memcpy(c + (j0 + j) * N, &acc[j], N * sizeof(float));
      }
    }
  }
}

// Calls f.template operator()<N>() for the runtime n in 1..16, so that every kernel is compiled
// for a constant width.
template <typename F>
void with_constant_width(int64_t n, F&& f) {
  switch (n) {
    case 1: return f.template operator()<1>();
    case 2: return f.template operator()<2>();
    case 3: return f.template operator()<3>();
    case 4: return f.template operator()<4>();
    case 5: return f.template operator()<5>();
    case 6: return f.template operator()<6>();
    case 7: return f.template operator()<7>();
    case 8: return f.template operator()<8>();
    case 9: return f.template operator()<9>();
    case 10: return f.template operator()<10>();
    case 11: return f.template operator()<11>();
    case 12: return f.template operator()<12>();
    case 13: return f.template operator()<13>();
    case 14: return f.template operator()<14>();
    case 15: return f.template operator()<15>();
    case 16: return f.template operator()<16>();
    default: fail("internal: skinny kernel width " + std::to_string(n) + " outside 1..16");
  }
}

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

int max_threads() { return omp_get_max_threads(); }

const char* blas_description() {
  static const std::string text = std::string("OpenBLAS ") + openblas_get_config() + " (" + openblas_get_corename() + ")";
  return text.c_str();
}

void set_skinny_gemm(SkinnyGemm choice) { skinny_choice = choice; }

void gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  if (m == 0 || n == 0) return;
  if (use_own(n)) {
    return with_constant_width(n, [&]<int N>() {
      if constexpr (N <= 8) skinny_gemm<v8, N, 8>(a, lda, b, c, m, k);
      else skinny_gemm<v16, N, 8>(a, lda, b, c, m, k);
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
      if constexpr (N <= 8) skinny_gemm_at_b<v8, N, 16>(a, lda, b, c, m, k);
      else skinny_gemm_at_b<v16, N, 16>(a, lda, b, c, m, k);
    });
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<blasint>(k), static_cast<blasint>(n),
              static_cast<blasint>(m), 1.0f, a, static_cast<blasint>(lda), b, static_cast<blasint>(n), 0.0f, c,
              static_cast<blasint>(n));
}

// Small in every GCN use (n x out_w times out_w x in_w with widths <= a few dozen): plain loops,
// rows over threads; b^T is read row by row, which the cache holds entirely.
void gemm_a_bt(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
#pragma omp parallel for schedule(static)
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
