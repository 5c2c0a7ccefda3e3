// cpu kernels: the operations of cpu_ref/ops.hpp, fast. Each one is tested against its
// cpu-ref counterpart (tests/cpu/kernels_test.cpp). Threads: OpenMP, the team size of the
// calling thread (the backend sets it from BackendOptions.threads); OpenBLAS is told the same
// number. Every reduction is split into a fixed set of chunks whose partial results are added
// in chunk order, so results are bitwise reproducible for a given thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/types.hpp"
#include "core/csr.hpp"
#include "data/dataset.hpp"

namespace gcn::cpu {

// Work (multiply-adds, or element updates weighted by their cost) below which a kernel runs on
// the calling thread alone. An OpenMP region costs microseconds on an idle machine; on a busy
// one each of its barriers can wait for a preempted thread, and libgomp spins ~300k times before
// it sleeps: Cora's sparse epoch (about 20 small kernels) measured ~1.1 ms on 1 thread and
// 130-190 ms on 2 while other processes kept both cores busy. Above ~1M multiply-adds (a few
// hundred microseconds on one core) the second thread pays for itself.
constexpr int64_t kMinParallelWork = int64_t{1} << 20;
// Costs, in multiply-adds, of a Philox mask draw and of a softmax element (exp, log), for the
// kMinParallelWork decisions.
constexpr int64_t kPhiloxWork = 8;
constexpr int64_t kExpWork = 8;
// Fixed chunk counts of the reductions, independent of the thread count: the result depends
// only on the data, which makes it reproducible for any number of threads.
constexpr int64_t kReduceChunks = 64;

// Threads for OpenMP regions and OpenBLAS (0 = all cores). Returns the number in effect.
int set_threads(int threads);
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
// scale[k] (x.nnz() floats): the dropout scale, 0 or 1/(1-p), of stored element k of x, drawn
// 16 elements at a time. The forward draws it once and the backward reads it back.
void sparse_dropout_scales(const Csr<float>& x, const DropoutSpec& drop, float* scale);
// c (x.rows x width) = x' * w, w (x.cols x width), x' = x with stored element k multiplied by
// scale[k]; scale == nullptr: x itself.
void sparse_scaled_matmul(const Csr<float>& x, const float* scale, const float* w, int64_t width, float* c);
// c (x.cols x width) = x'^T * d, d (x.rows x width). Rows of x are split into chunks, each scatters
// into its own (x.cols x width) slice of `partials` (partial_slices() x x.cols x width floats), the
// slices are then added in chunk order: no atomics, deterministic.
void sparse_scaled_matmul_transposed(const Csr<float>& x, const float* scale, const float* d, int64_t width, float* c,
                                     std::vector<float>& partials);
// x^T as a CSR matrix plus, per stored entry, its index in x (so that x's per-entry scales apply).
// Rows of x stay ascending within each row of the transpose.
struct TransposedCsr {
  Csr<float> matrix;
  std::vector<int32_t> entry;
};
// Requires x.nnz() < 2^31.
TransposedCsr transpose_with_entries(const Csr<float>& x);
// The same product as above as a gather over x^T, width <= 16: each output row is summed in the
// reference's order (rows of x ascending) whatever the thread count, with no per-thread slices,
// and faster (docs/benchmarks.md, "Measurements behind code choices"); it costs a copy of x plus
// 4 bytes per entry.
void sparse_scaled_matmul_transposed(const TransposedCsr& xt, const float* scale, const float* d, int64_t width,
                                     float* c);
// The same with the mask drawn here (allocates the scales: for tests and one-off use).
void sparse_dropout_matmul(const Csr<float>& x, const DropoutSpec& drop, const float* w, int64_t width, float* c);
void sparse_dropout_matmul_transposed(const Csr<float>& x, const DropoutSpec& drop, const float* d, int64_t width,
                                      float* c, std::vector<float>& partials);
int64_t partial_slices();

// ---- pointwise, fused -----------------------------------------------------------------------
// x (rows x cols) += bias, per row.
void add_bias(float* x, const float* bias, int64_t rows, int64_t cols);
// out = dropout(relu(p (+ bias))) with the mask of `drop` over (rows x cols); bias may be null.
// `out` may alias `p`.
void bias_relu_dropout(const float* p, const float* bias, float* out, int64_t rows, int64_t cols, const DropoutSpec& drop);
// Backward of bias_relu_dropout given its output `out`: grad = out > 0 ? grad / (1 - p) : 0.
// (out > 0 exactly when the ReLU passed and the mask kept the element, so the mask is not redrawn.)
void relu_dropout_backward(const float* out, float* grad, int64_t n, double p);
// bias_grad (cols) = column sums of grad (rows x cols), chunked and added in order.
void bias_backward(const float* grad, float* bias_grad, int64_t rows, int64_t cols);
// Dense inverted dropout as ref::dropout (mask index r * cols + j) of rows stored ld apart.
void dropout(const float* in, int64_t ld, float* out, int64_t rows, int64_t cols, const DropoutSpec& drop);

// Softmax cross-entropy in one pass over the logits: train and val loss/accuracy, and when grad is
// not null d(mean train loss)/d(logits) (zero on other rows), as ref::softmax_cross_entropy.
SplitMetrics softmax_cross_entropy(const float* logits, int64_t rows, int64_t classes, const std::vector<int32_t>& labels,
                                   const std::vector<Split>& split, float* grad);
// Loss/accuracy over `which` only (evaluate()).
LossAndAccuracy softmax_cross_entropy_split(const float* logits, int64_t rows, int64_t classes,
                                                 const std::vector<int32_t>& labels, const std::vector<Split>& split,
                                                 Split which);

void adam_update(float* param, const float* grad, float* m, float* v, int64_t n, const AdamSettings& s);

// ---- floor probes (gcnbench ops measures the machine with them) ------------------------------
// dst = src (n floats), chunks copied on all threads: the copy bandwidth.
void copy_probe(const float* src, float* dst, int64_t n);
// About `fmas` fused multiply-adds in independent chains on every thread, in the widest vector
// registers this CPU has (AVX-512, else AVX2): the FMA peak. Returns the flops done (2 per FMA).
double fma_probe(int64_t fmas);

}  // namespace gcn::cpu
