// The cuda backend's kernels, as host launchers on a stream. Pointers are device pointers.
// Everything that changes from epoch to epoch (epoch number, Adam step, dropout seed, metrics
// slot) is read from an EpochState in device memory, so a captured graph replays unchanged.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/dense_layout.hpp"

namespace gcn::cuda {

// Device-resident per-run state. Kernels read it; end_epoch advances it inside the graph.
struct EpochState {
  uint64_t seed;          // dropout seed of the run
  uint32_t epoch;         // epoch number keying the dropout masks
  int32_t slot;           // metrics record that this epoch writes
  int64_t step;           // Adam steps taken so far
  double accum[4];        // loss-kernel block sums (zero between launches)
  unsigned int blocks_done;
};

// DropoutSpec (backends/types.hpp) as the kernels read it: p and its scale, with the seed and the
// epoch taken from the EpochState on the device, so a captured graph replays unchanged. Off when
// state is null.
struct DeviceDropout {
  const EpochState* state = nullptr;
  uint32_t layer = 0;
  float p = 0;
  float scale = 1;  // 1 / (1 - p), rounded as cpu-ref rounds it (in float)
  // Mask index of the first element: a rank holding global rows from r0 on draws the
  // single-device mask with r0 * width here (rank_gcn.cuh); 0 on one device.
  uint64_t first_index = 0;
};

// CSR view. With items (rows cut into pieces of item_len stored entries), every item
// accumulates atomically into a zeroed output; without, one group of lanes owns a whole row.
struct CsrView {
  int64_t rows = 0, cols = 0;
  const int64_t* row_ptr = nullptr;  // absolute offsets into col/val (a row range is a sub-view)
  const int32_t* col = nullptr;
  const float* val = nullptr;
  int64_t num_items = 0;
  const int32_t* item_row = nullptr;
  const int64_t* item_begin = nullptr;
  int64_t item_len = 0;
};

// A group of lanes walks its row serially, so one row far longer than the rest keeps the whole
// launch waiting (Cora's X^T has word columns of over a thousand papers; its A_hat rows are 5
// long on average, 169 at most). Such matrices are cut into items: the item length this
// returns, or 0 when the rows are even enough to be taken whole.
int64_t spmm_item_length(const std::vector<int64_t>& row_ptr);
// The items of a CSR cut every item_len entries: (row, first entry) of each.
void spmm_items(const std::vector<int64_t>& row_ptr, int64_t item_len, std::vector<int32_t>& item_row,
                std::vector<int64_t>& item_begin);

// Dropout applied to A's stored values as they are read: element (r, c) uses mask index
// r * mask_cols + c, or c * mask_cols + r when the CSR holds the transpose of the dropped matrix.
struct ValueDropout {
  DeviceDropout dropout;
  int64_t mask_cols = 0;
  bool transposed = false;
};

// Applied to each output element (row r, column j) of a non-atomic product or by bias_act:
// x += bias[j]; x = relu(x); x = dropout(x) with mask index r * width + j.
struct Epilogue {
  const float* bias = nullptr;
  bool relu = false;
  DeviceDropout dropout;
};

// The widest dense operand spmm takes (one thread block holds a row of it).
constexpr int64_t kMaxSpmmWidth = 1024;

// c (a.rows x width) = dropout(a) * b (+ epilogue). With a.num_items > 0 the caller zeroes c and
// the epilogue must be empty. An epilogue's dropout with width % 4 == 0 needs first_index % 4 == 0.
void spmm(const CsrView& a, const float* b, int64_t width, float* c, const ValueDropout& vd, const Epilogue& ep,
          cudaStream_t stream);

// out = epilogue(in), (rows x width): each of bias, relu and dropout optional; in and out may alias.
// The mask index of element i is ep.dropout.first_index + i.
void bias_relu_dropout(const float* in, float* out, int64_t rows, int64_t width, const Epilogue& ep, cudaStream_t stream);

// Backward of relu then dropout, in place: g = (d > 0) ? g * scale : 0, where d is the forward's
// dropped ReLU output (d > 0 exactly when the ReLU was active and the element kept).
void relu_dropout_backward(const float* d, float* g, int64_t count, float scale, cudaStream_t stream);

// Softmax cross-entropy over entries [0, end1): entry e reads logits row (row_of ? row_of[e] : e)
// and label labels[e]. Entries [0, end0) form segment 0 (gradient into grad rows 0..end0-1, or
// into grad row row_of[e] with grad_at_logits_row, scaled by 1/end0 or 1/grad_count, when grad
// is set), [end0, end1) segment 1. The last block writes {loss, accuracy} of segment s (their
// means, or with sums their sums over the entries: a rank's share of a global mean) to
// out + (slot_state ? slot_state->slot * 4 : 0) + out_offset[s].
struct LossArgs {
  const float* logits = nullptr;
  int classes = 0;
  const int32_t* row_of = nullptr;
  const int32_t* labels = nullptr;
  int64_t end0 = 0, end1 = 0;
  float* grad = nullptr;
  double* out = nullptr;
  int out_offset[2] = {0, 2};
  const EpochState* slot_state = nullptr;
  EpochState* scratch = nullptr;  // accum / blocks_done live here
  double grad_count = 0;          // the gradient's divisor when positive (every rank's train count)
  bool grad_at_logits_row = false;
  bool sums = false;
};
void softmax_cross_entropy(const LossArgs& args, cudaStream_t stream);

// torch.optim.Adam over the packed parameters; segment s = [seg_end[s-1], seg_end[s]) has weight
// decay weight_decay[s]. Step number = state->step + 1.
constexpr int kMaxAdamSegments = 32;
struct AdamArgs {
  float* param = nullptr;
  const float* grad = nullptr;
  float* m = nullptr;
  float* v = nullptr;
  int num_segments = 0;
  int64_t seg_end[kMaxAdamSegments] = {};
  float weight_decay[kMaxAdamSegments] = {};
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0;
  const EpochState* state = nullptr;
};
void adam_update(const AdamArgs& args, cudaStream_t stream);

// The halo exchange's rows (rank_gcn.cuh): out row i = in row rows[i] (count rows of width),
// and its mirror, out row rows[i] += in row i; the rows listed must be distinct.
void gather_rows(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out, cudaStream_t stream);
void add_rows(const float* in, const int32_t* rows, int64_t count, int64_t width, float* out, cudaStream_t stream);

// epoch++, slot++, step++ (one thread).
void end_epoch(EpochState* state, cudaStream_t stream);

// dense (rows x ld, zero-filled first) = a; ld >= a.cols.
void csr_to_dense(const CsrView& a, float* dense, int64_t ld, cudaStream_t stream);

void fill(float* x, int64_t count, float value, cudaStream_t stream);

// What the dense products run on: cuBLAS and a stream, and the workspace that holds the partial
// sums when an own kernel splits its reduction dimension. own_kernels = false sends every
// product to cuBLAS (dense_layout.hpp: GCNBENCH_CUDA_GEMM=cublas).
struct DenseContext {
  cublasHandle_t cublas = nullptr;
  cudaStream_t stream = nullptr;
  float* workspace = nullptr;
  int64_t workspace_floats = 0;
  bool own_kernels = true;
};

// Input dropout of A applied from a bit mask as A is read: element (r, c) is kept, and scaled by
// `scale`, when bit r * cols + c of `bits` is set (the mask of dropout_keep_bits over the m x cols
// matrix). Off when bits is null.
struct InputMask {
  const uint32_t* bits = nullptr;
  int64_t cols = 0;
  float scale = 1;
};

// Row-major products, leading dimensions = widths unless given (lda). Where
// tall_product_applies (n <= 16 columns, k >= 32, lda a multiple of 4, A 16-byte aligned) and the
// context allows, the own tall-skinny kernels (ops/tall_skinny.cu) run them; elsewhere cuBLAS in
// fp32 (no TF32). A mask needs the own kernels.
// c (m x n) = a (m x k) b (k x n)
void gemm(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
          int64_t n, const InputMask& mask = {});
// c (k x n) = a^T b, a (m x k), b (m x n)
void gemm_at_b(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
               int64_t n, const InputMask& mask = {});
// c (m x k) = a b^T, a (m x n), b (k x n)
void gemm_a_bt(const DenseContext& ctx, const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k);
// bias_grad (width) = column sums of grad (rows x width); ones holds >= rows ones.
void bias_backward(const DenseContext& ctx, const float* grad, float* bias_grad, int64_t rows, int64_t width,
                   const float* ones);

// The own tall-skinny products (ops/tall_skinny.cu).
bool tall_product_applies(const float* a, int64_t lda, int64_t k, int64_t n);
void tall_gemm(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
               int64_t n, const InputMask& mask);
void tall_gemm_at_b(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
                    int64_t n, const InputMask& mask);
// The keep bits of `count` mask elements (indices 0 .. count-1 of dropout_keep's mask of d's
// layer at the state's epoch) into bits, which holds keep_bits_words(count) words (one spare).
// d.first_index must be 0.
int64_t keep_bits_words(int64_t count);
void dropout_keep_bits(const DeviceDropout& d, int64_t count, uint32_t* bits, cudaStream_t stream);

// The FMA-peak probe of `gcnbench ops`: about `fmas` fused multiply-adds over `blocks` blocks.
// Returns the flops launched (2 per FMA; fmas is rounded down to whole chains).
double fma_probe(float* sink, int64_t fmas, int blocks, cudaStream_t stream);

}  // namespace gcn::cuda
