// cpu kernels: the operations of cpu_ref/kernels.hpp, fast. Each one is tested against its
// cpu-ref counterpart (tests/cpu/kernels_test.cpp). Threads: OpenMP, the team size of the
// calling thread (the backend sets it from BackendOptions.threads); OpenBLAS is told the same
// number. Every reduction is split into a fixed set of chunks whose partial results are added
// in chunk order, so results are bitwise reproducible for a given thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/cpu_ref/kernels.hpp"
#include "core/csr.hpp"
#include "data/dataset.hpp"

namespace gcn::cpu {

// Threads for OpenMP regions and OpenBLAS (0 = all cores). Returns the number in effect.
int set_threads(int threads);
int max_threads();
// "OpenBLAS 0.3.x <core>" for BackendInfo.
const char* blas_description();

// ---- dense products (row-major, leading dimensions in elements) -----------------------------
// Skinny right-hand sides (n <= 16, the GCN's hidden and class widths) use our own register-
// blocked kernels where they beat OpenBLAS (docs/benchmarks.md has the measurements); everything
// else is cblas_sgemm.

// c (m x n) = a (m x k) * b (k x n).
void gemm(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n);
// c (k x n) = a^T * b with a (m x k), b (m x n): a's transpose is never materialized.
void gemm_at_b(const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k, int64_t n);
// c (m x k) = a (m x n) * b^T with b (k x n).
void gemm_a_bt(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k);

// Which implementation gemm / gemm_at_b use for skinny shapes; for benchmarks and tests.
enum class SkinnyGemm { Auto, Blas, Own };
void set_skinny_gemm(SkinnyGemm choice);

// ---- sparse products ------------------------------------------------------------------------
// c (a.rows x width) = a * b. Rows split over threads; each output row is summed in column order.
void spmm(const Csr<float>& a, const float* b, int64_t width, float* c);

// Input dropout of layer `layer` fused into the products with sparse features: element (r, col)
// of x is kept with the mask index r * x.cols + col, exactly as ref::dropout_csr. p = 0: no dropout.
struct Dropout {
  double p = 0;
  uint64_t seed = 0;
  uint32_t layer = 0, epoch = 0;
};
// c (x.rows x width) = dropout(x) * w, w (x.cols x width).
void sparse_dropout_matmul(const Csr<float>& x, const Dropout& drop, const float* w, int64_t width, float* c);
// c (x.cols x width) = dropout(x)^T * d, d (x.rows x width). Rows of x are split into chunks, each
// scatters into its own (x.cols x width) slice of `partials` (partial_slices(...) floats), the slices
// are then added in chunk order: no atomics, deterministic.
void sparse_dropout_matmul_transposed(const Csr<float>& x, const Dropout& drop, const float* d, int64_t width,
                                      float* c, std::vector<float>& partials);
int64_t partial_slices();

// ---- pointwise, fused -----------------------------------------------------------------------
// x (rows x cols) += bias, per row.
void add_bias(float* x, const float* bias, int64_t rows, int64_t cols);
// out = dropout(relu(p (+ bias))) with the mask of `drop` over (rows x cols); bias may be null.
// `out` may alias `p`.
void bias_relu_dropout(const float* p, const float* bias, float* out, int64_t rows, int64_t cols, const Dropout& drop);
// Backward of bias_relu_dropout given its output `out`: grad = out > 0 ? grad / (1 - p) : 0.
// (out > 0 exactly when the ReLU passed and the mask kept the element, so the mask is not redrawn.)
void relu_dropout_backward(const float* out, float* grad, int64_t n, double p);
// bias_grad (cols) = column sums of grad (rows x cols), chunked and added in order.
void bias_backward(const float* grad, float* bias_grad, int64_t rows, int64_t cols);
// Dense inverted dropout as ref::dropout (mask index r * cols + j) of rows stored ld apart.
void dropout(const float* in, int64_t ld, float* out, int64_t rows, int64_t cols, const Dropout& drop);

struct SplitMetrics {
  ref::LossAndAccuracy train, val;
};
// Softmax cross-entropy in one pass over the logits: train and val loss/accuracy, and when grad is
// not null d(mean train loss)/d(logits) (zero on other rows), as ref::softmax_cross_entropy.
SplitMetrics softmax_cross_entropy(const float* logits, int64_t rows, int64_t classes, const std::vector<int32_t>& labels,
                                   const std::vector<Split>& split, float* grad);
// Loss/accuracy over `which` only (evaluate()).
ref::LossAndAccuracy softmax_cross_entropy_split(const float* logits, int64_t rows, int64_t classes,
                                                 const std::vector<int32_t>& labels, const std::vector<Split>& split,
                                                 Split which);

void adam_update(float* param, const float* grad, float* m, float* v, int64_t n, const ref::AdamSettings& s);

}  // namespace gcn::cpu
