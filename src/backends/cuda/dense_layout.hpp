// How the cuda backend lays out and multiplies its dense matrices, in plain C++: shared by the
// kernels (ops.cuh) and by the memory estimate (memory_footprint.cpp), which is built without nvcc.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace gcn::cuda {

// The own tall-skinny products take B of at most this many columns and a depth k of at least
// kTallMinDepth; other shapes go to cuBLAS.
constexpr int kTallMaxColumns = 16;
constexpr int64_t kTallMinDepth = 32;

// The workspace of the split products (8 MB): a product's split count is capped to fit.
constexpr int64_t kDenseWorkspaceFloats = int64_t(1) << 21;

// The row stride a dense matrix of `cols` columns is stored with, so that the own kernels can
// read its rows four floats at a time.
inline int64_t padded_stride(int64_t cols) { return (cols + 3) / 4 * 4; }

// Whether GCNBENCH_CUDA_GEMM leaves the own kernels on (unset, or anything but "cublas"; set it
// to "cublas" to time the same epoch with every product in cuBLAS).
inline bool own_dense_kernels_enabled() {
  const char* v = std::getenv("GCNBENCH_CUDA_GEMM");
  return !(v && std::strcmp(v, "cublas") == 0);
}

// Whether the first layer's product over dense features runs in the own kernels (so X is stored
// padded and its input dropout is read from a bit mask instead of a dropped copy of X).
inline bool own_first_layer_product(int64_t features, int64_t first_hidden) {
  return own_dense_kernels_enabled() && first_hidden <= kTallMaxColumns && features >= kTallMinDepth;
}

// Whether the backend aggregates the dense features once at load (A_hat X, n x padded features):
// with the bias after aggregation, P_0 = A_hat (X W_0) = (A_hat X) W_0, so a forward whose input
// is not dropped (the validation forward; the training forward without input dropout) runs a
// product and no SpMM, and the training backward without input dropout gets dW_0 = (A_hat X)^T dP_0
// without the transposed SpMM. Worth its memory only when one of those forwards runs each epoch.
inline bool aggregates_features_first(int64_t features, int64_t first_hidden, int layers, bool bias_before_aggregation,
                                      bool sparse_adjacency, bool undropped_training, bool validation_forward) {
  return own_first_layer_product(features, first_hidden) && sparse_adjacency && layers >= 2 &&
         !bias_before_aggregation && padded_stride(features) <= 1024 && (undropped_training || validation_forward);
}

}  // namespace gcn::cuda
