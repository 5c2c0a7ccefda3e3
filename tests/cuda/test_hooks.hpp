// Host-callable entry points to the cuda backend's kernels, for tests/cuda (compiled by g++):
// each uploads its inputs, fills the output with NaN, runs the one kernel and downloads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/cpu_ref/ops.hpp"
#include "backends/types.hpp"
#include "core/csr.hpp"

namespace gcn::cuda_test {

// Empty when a CUDA device can run the kernels, else why not.
std::string unavailable_reason();

// A GPU test's first line: skips, saying why, where no CUDA device can run the kernels.
#define SKIP_WITHOUT_GPU()                                                    \
  do {                                                                        \
    const std::string why_no_gpu = ::gcn::cuda_test::unavailable_reason();    \
    if (!why_no_gpu.empty()) GTEST_SKIP() << "no usable GPU: " << why_no_gpu; \
  } while (0)

// dropout(a) * b, then + bias, relu, dropout of the output (mask index row * width + j).
// With transposed_mask, a holds X^T and value (r, c) uses mask index c * mask_cols + r.
// item_len > 0 cuts rows into items of that many entries (the atomic path: output zeroed, no
// epilogue); -1 lets the backend's policy (spmm_item_length) decide, as load() does.
std::vector<float> spmm(const Csr<float>& a, const std::vector<float>& b, int64_t width,
                        const DropoutSpec& value_dropout, int64_t mask_cols, bool transposed_mask,
                        const std::vector<float>* bias, bool relu, const DropoutSpec& out_dropout,
                        int64_t item_len = -1);

// The backend's long-row policy (ops.cuh), for host-side tests.
int64_t spmm_item_length(const std::vector<int64_t>& row_ptr);
void spmm_items(const std::vector<int64_t>& row_ptr, int64_t item_len, std::vector<int32_t>& item_row,
                std::vector<int64_t>& item_begin);

// dropout(relu(in + bias)) elementwise (rows x width), any part optional.
std::vector<float> bias_relu_dropout(const std::vector<float>& in, int64_t rows, int64_t width,
                                     const std::vector<float>* bias, bool relu, const DropoutSpec& dropout);

std::vector<float> relu_dropout_backward(const std::vector<float>& d, const std::vector<float>& g, float scale);

struct Loss {
  double loss0 = 0, acc0 = 0, loss1 = 0, acc1 = 0;
  std::vector<float> grad;  // end0 x classes
};
// Entries [0, end0) segment 0 with gradient, [end0, labels.size()) segment 1; row_of maps
// entries to logits rows (identity when empty).
Loss softmax_cross_entropy(const std::vector<float>& logits, int classes, const std::vector<int32_t>& row_of,
                           const std::vector<int32_t>& labels, int64_t end0);

// Adam steps 1..steps over segments of (param, grad) with per-segment weight decay; params,
// m, v updated in place.
void adam_update(std::vector<float>& param, const std::vector<float>& grad, std::vector<float>& m,
                 std::vector<float>& v, const std::vector<int64_t>& seg_end, const std::vector<float>& weight_decay,
                 const AdamSettings& s, int64_t step);

// The products, row-major: c = a b; c = a^T b; c = a b^T; column sums (own kernels where they apply, else cuBLAS).
std::vector<float> gemm(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k, int64_t n);
std::vector<float> gemm_at_b(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k, int64_t n);
std::vector<float> gemm_a_bt(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t n, int64_t k);
std::vector<float> bias_backward(const std::vector<float>& g, int64_t rows, int64_t width);
// The own tall-skinny kernels alone: c = drop(a) b, or c = drop(a)^T b when transposed, with a's
// rows stored padded and the dropout (off when drop.p is 0) read from dropout_keep_bits' mask.
std::vector<float> tall_product(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k,
                                int64_t n, bool transposed, const DropoutSpec& drop);

// Event-timed SpMM (median of `reps` launches after warm-up) of a (rows x cols) times a random
// (cols x width) matrix, in milliseconds; bytes_moved receives the minimum bytes the kernel
// must move (CSR arrays read once, output written once, each b row read once).
double time_spmm_ms(const Csr<float>& a, int64_t width, int reps, double* bytes_moved);
// Event-timed device-to-device copy of `bytes` (median of reps), in milliseconds.
double time_copy_ms(int64_t bytes, int reps);

}  // namespace gcn::cuda_test
