// Dense products of the cuda backend, through cuBLAS (fp32, no TF32).
#include <algorithm>
#include <climits>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/ops/common.cuh"
#include "core/error.hpp"
#include "core/philox.hpp"

namespace gcn::cuda {
using namespace detail;


// Row-major C = A B is column-major C^T = B^T A^T: swap the operands, keep the shapes.
void gemm(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, to_int(n, "n"), to_int(m, "m"), to_int(k, "k"), &one, b,
                               to_int(n, "n"), a, to_int(k, "k"), &zero, c, to_int(n, "n")));
}

void gemm_at_b(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n,
               int64_t lda) {
  const float one = 1.f, zero = 0.f;
  if (lda == 0) lda = k;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_T, to_int(n, "n"), to_int(k, "k"), to_int(m, "m"), &one, b,
                               to_int(n, "n"), a, to_int(lda, "lda"), &zero, c, to_int(n, "n")));
}

void gemm_a_bt(cublasHandle_t h, const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, to_int(k, "k"), to_int(m, "m"), to_int(n, "n"), &one, b,
                               to_int(n, "n"), a, to_int(n, "n"), &zero, c, to_int(k, "k")));
}

void bias_backward(cublasHandle_t h, const float* grad, float* bias_grad, int64_t rows, int64_t width, const float* ones) {
  const float one = 1.f, zero = 0.f;
  GCN_CUBLAS_CHECK(cublasSgemv(h, CUBLAS_OP_N, to_int(width, "width"), to_int(rows, "rows"), &one, grad,
                               to_int(width, "width"), ones, 1, &zero, bias_grad, 1));
}

}  // namespace gcn::cuda
