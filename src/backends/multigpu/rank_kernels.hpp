// The dense kernels a rank computes its rows with: the products and Adam, which hold nearly all
// of an epoch's arithmetic. `--backend cpu-ref --ranks P` uses cpu-ref's, `--backend cpu --ranks
// P` the cpu backend's (BLAS and the own tall-skinny products); the sparse and pointwise steps
// of a rank are cpu-ref's in both, since they touch only this rank's rows and halo.
#pragma once

#include <cstdint>

#include "backends/types.hpp"

namespace gcn::multigpu {

struct RankKernels {
  const char* name;  // the backend whose kernels these are: "cpu-ref", "cpu"
  // c (m x n) = a (m x k) b (k x n); a^T b with a (m x k): c (k x n); a (m x n) b^T with b (k x n): c (m x k).
  void (*gemm)(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n);
  void (*gemm_at_b)(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n);
  void (*gemm_a_bt)(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k);
  void (*adam_update)(float* param, const float* grad, float* m, float* v, int64_t n, const AdamSettings& s);
  // Called once on each rank's thread before it computes: the cpu kernels take their thread
  // count there, so that P ranks share the cores instead of each taking all of them.
  void (*enter_rank)(int threads_per_rank);
};

RankKernels reference_rank_kernels();
#if !defined(GCNBENCH_NO_CPU_BACKEND)
RankKernels cpu_rank_kernels();  // src/backends/cpu/rank_kernels.cpp
#endif

}  // namespace gcn::multigpu
