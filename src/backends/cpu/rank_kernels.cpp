// The cpu backend's dense kernels for the ranks of `--backend cpu --ranks P`.
#include "backends/multigpu/rank_kernels.hpp"

#include "backends/cpu/ops.hpp"

namespace gcn::multigpu {
namespace {

void gemm(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n) { cpu::gemm(a, k, b, c, m, k, n); }

void gemm_at_b(const float* a, const float* b, float* c, int64_t m, int64_t k, int64_t n) {
  cpu::gemm_at_b(a, k, b, c, m, k, n);
}

// set_threads' omp_set_num_threads sets the calling thread's own team size, so each rank thread
// gets its share; OpenBLAS has one global count, set to the same share by every rank.
void enter_rank(int threads_per_rank) { cpu::set_threads(threads_per_rank); }

}  // namespace

RankKernels cpu_rank_kernels() { return {"cpu", gemm, gemm_at_b, cpu::gemm_a_bt, cpu::adam_update, enter_rank}; }

}  // namespace gcn::multigpu
