// Dense products of the cpu backend: cblas_sgemm, except for skinny right-hand sides (the GCN's
// 16 hidden or 7 class columns), where a register-blocked kernel of our own is used when it is
// faster (docs/cpu.md has the measurements). GCC vector extensions rather than intrinsics: the
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

// Loads n <= lanes values, zero-filling the rest.
template <typename V>
inline V load_partial(const float* p, int64_t n) {
  V v = {};
  std::memcpy(&v, p, static_cast<size_t>(n) * sizeof(float));
  return v;
}

template <typename V>
inline void store_partial(float* p, const V& v, int64_t n) {
  std::memcpy(p, &v, static_cast<size_t>(n) * sizeof(float));
}

// c (m x n) = a (m x k) * b (k x n), n <= lanes(V). Threads take blocks of kRows rows of a; each
// block keeps its kRows output rows in registers while it streams the kRows rows of a once and b
// (small: k x n) from cache. One broadcast-FMA per element of a.
template <typename V, int kRows>
void skinny_gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  const int64_t blocks = (m + kRows - 1) / kRows;
  const bool full = n == lanes<V>();
#pragma omp parallel for schedule(static)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t i0 = blk * kRows;
    const int64_t rows = std::min<int64_t>(kRows, m - i0);
    V acc[kRows] = {};
    if (rows == kRows) {
      for (int64_t p = 0; p < k; ++p) {
        const V bp = full ? load<V>(b + p * n) : load_partial<V>(b + p * n, n);
        for (int r = 0; r < kRows; ++r) acc[r] += a[(i0 + r) * lda + p] * bp;
      }
    } else {
      for (int64_t p = 0; p < k; ++p) {
        const V bp = full ? load<V>(b + p * n) : load_partial<V>(b + p * n, n);
        for (int64_t r = 0; r < rows; ++r) acc[r] += a[(i0 + r) * lda + p] * bp;
      }
    }
    for (int64_t r = 0; r < rows; ++r) store_partial(c + (i0 + r) * n, acc[r], n);
  }
}

// c (k x n) = a^T b, a (m x k), b (m x n), n <= lanes(V). Threads take strips of kCols columns of
// a (= kCols output rows, held in registers) and run down all m rows: a is read once, in pieces
// of kCols contiguous floats per row, and no reduction across threads is needed.
template <typename V, int kCols>
void skinny_gemm_at_b(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  const int64_t strips = (k + kCols - 1) / kCols;
  const bool full = n == lanes<V>();
#pragma omp parallel for schedule(static)
  for (int64_t s = 0; s < strips; ++s) {
    const int64_t j0 = s * kCols;
    const int64_t cols = std::min<int64_t>(kCols, k - j0);
    V acc[kCols] = {};
    if (cols == kCols) {
      for (int64_t i = 0; i < m; ++i) {
        const V bi = full ? load<V>(b + i * n) : load_partial<V>(b + i * n, n);
        const float* ai = a + i * lda + j0;
        for (int j = 0; j < kCols; ++j) acc[j] += ai[j] * bi;
      }
    } else {
      for (int64_t i = 0; i < m; ++i) {
        const V bi = full ? load<V>(b + i * n) : load_partial<V>(b + i * n, n);
        const float* ai = a + i * lda + j0;
        for (int64_t j = 0; j < cols; ++j) acc[j] += ai[j] * bi;
      }
    }
    for (int64_t j = 0; j < cols; ++j) store_partial(c + (j0 + j) * n, acc[j], n);
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
    if (n <= 8) return skinny_gemm<v8, 8>(a, lda, b, c, m, k, n);
    return skinny_gemm<v16, 8>(a, lda, b, c, m, k, n);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(lda), b, static_cast<blasint>(n), 0.0f, c,
              static_cast<blasint>(n));
}

void gemm_at_b(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  if (k == 0 || n == 0) return;
  if (use_own(n)) {
    if (n <= 8) return skinny_gemm_at_b<v8, 16>(a, lda, b, c, m, k, n);
    return skinny_gemm_at_b<v16, 16>(a, lda, b, c, m, k, n);
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
