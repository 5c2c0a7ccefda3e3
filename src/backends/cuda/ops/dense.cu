// Dense products of the cuda backend: the own tall-skinny kernels where they apply, cuBLAS
// (fp32, no TF32) for every other shape.
#include <string>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/ops/common.cuh"
#include "core/error.hpp"

namespace gcn::cuda {
using namespace detail;

namespace {

bool use_tall(const DenseContext& ctx, const float* a, int64_t lda, int64_t k, int64_t n, const InputMask& mask,
              const char* what) {
  const bool tall = ctx.own_kernels && tall_product_applies(a, lda, k, n);
  if (mask.bits && !tall) fail(std::string("cuda ") + what + ": a dropout mask needs the tall-skinny kernels");
  return tall;
}

}  // namespace

// Row-major C = A B is column-major C^T = B^T A^T: swap the operands, keep the shapes.
void gemm(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
          int64_t n, const InputMask& mask) {
  if (use_tall(ctx, a, lda, k, n, mask, "gemm")) return tall_gemm(ctx, a, lda, b, c, m, k, n, mask);
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(ctx.cublas, CUBLAS_OP_N, CUBLAS_OP_N, to_int(n, "n"), to_int(m, "m"), to_int(k, "k"), &one,
                               b, to_int(n, "n"), a, to_int(lda, "lda"), &zero, c, to_int(n, "n")));
}

void gemm_at_b(const DenseContext& ctx, const float* a, int64_t lda, const float* b, float* c, int64_t m, int64_t k,
               int64_t n, const InputMask& mask) {
  if (use_tall(ctx, a, lda, k, n, mask, "gemm_at_b")) return tall_gemm_at_b(ctx, a, lda, b, c, m, k, n, mask);
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(ctx.cublas, CUBLAS_OP_N, CUBLAS_OP_T, to_int(n, "n"), to_int(k, "k"), to_int(m, "m"), &one,
                               b, to_int(n, "n"), a, to_int(lda, "lda"), &zero, c, to_int(n, "n")));
}

void gemm_a_bt(const DenseContext& ctx, const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(ctx.cublas, CUBLAS_OP_T, CUBLAS_OP_N, to_int(k, "k"), to_int(m, "m"), to_int(n, "n"), &one,
                               b, to_int(n, "n"), a, to_int(n, "n"), &zero, c, to_int(k, "k")));
}

void bias_backward(const DenseContext& ctx, const float* grad, float* bias_grad, int64_t rows, int64_t width,
                   const float* ones) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemv(ctx.cublas, CUBLAS_OP_N, to_int(width, "width"), to_int(rows, "rows"), &one, grad,
                               to_int(width, "width"), ones, 1, &zero, bias_grad, 1));
}

}  // namespace gcn::cuda
