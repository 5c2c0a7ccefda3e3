#include "data/normalize.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace gcn {

// A_hat[i][j] = A[i][j] / sqrt(d_i d_j) with d = rowsum(A) + 1 and A[i][i] = 1, accumulated in
// double so that the float result is correctly rounded for hubs with 10^6 neighbours too.
// Row i of the result is row i of A with the diagonal entry inserted in column order, so the
// structure is built in one pass and each row's work is independent.
Csr<float> normalized_adjacency(const Csr<float>& adjacency) {
  const Csr<float>& a = adjacency;
  if (a.rows != a.cols)
    fail("normalized_adjacency: adjacency is " + std::to_string(a.rows) + " x " + std::to_string(a.cols) +
         ", not square");
  const int64_t n = a.rows;
  std::vector<double> inv_sqrt_degree(static_cast<size_t>(n));
  // The first self loop found, if any (an exception cannot leave an OpenMP loop).
  int64_t self_loop = n;
#pragma omp parallel for schedule(static) reduction(min : self_loop)
  for (int64_t i = 0; i < n; ++i) {
    double degree = 1.0;  // the added self loop
    for (int64_t k = a.row_ptr[i]; k < a.row_ptr[i + 1]; ++k) {
      if (a.col[k] == i) self_loop = std::min(self_loop, i);
      degree += a.val[k];
    }
    // Kipf and PyG map an infinite D^-1/2 (degree 0, only with negative weights) to 0.
    inv_sqrt_degree[i] = degree > 0 ? 1.0 / std::sqrt(degree) : 0.0;
  }
  if (self_loop < n)
    fail("normalized_adjacency: the adjacency already has a self loop on node " + std::to_string(self_loop));
  Csr<float> out;
  out.rows = out.cols = n;
  out.row_ptr.resize(static_cast<size_t>(n) + 1);
  out.row_ptr[0] = 0;
  for (int64_t i = 0; i < n; ++i) out.row_ptr[i + 1] = a.row_ptr[i + 1] + (i + 1);
  out.col.resize(static_cast<size_t>(out.row_ptr[n]));
  out.val.resize(out.col.size());
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    int64_t w = out.row_ptr[i];
    bool diagonal_done = false;
    for (int64_t k = a.row_ptr[i]; k < a.row_ptr[i + 1]; ++k) {
      const int32_t j = a.col[k];
      if (!diagonal_done && j > i) {
        out.col[w] = static_cast<int32_t>(i);
        out.val[w++] = static_cast<float>(inv_sqrt_degree[i] * inv_sqrt_degree[i]);
        diagonal_done = true;
      }
      out.col[w] = j;
      out.val[w++] = static_cast<float>(a.val[k] * inv_sqrt_degree[i] * inv_sqrt_degree[j]);
    }
    if (!diagonal_done) {
      out.col[w] = static_cast<int32_t>(i);
      out.val[w] = static_cast<float>(inv_sqrt_degree[i] * inv_sqrt_degree[i]);
    }
  }
  return out;
}

Csr<float> row_normalized(Csr<float> out) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < out.rows; ++i) {
    double sum = 0;
    for (int64_t k = out.row_ptr[i]; k < out.row_ptr[i + 1]; ++k) sum += out.val[k];
    const double scale = sum != 0 ? 1.0 / sum : 0.0;  // Kipf: inf -> 0, so all-zero rows stay zero
    for (int64_t k = out.row_ptr[i]; k < out.row_ptr[i + 1]; ++k) out.val[k] = static_cast<float>(out.val[k] * scale);
  }
  return out;
}

}  // namespace gcn
