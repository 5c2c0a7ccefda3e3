// The floor probes of the cpu backend: what the machine's memory and FMA units can do at best,
// for the floor fractions of `gcnbench ops`.
#include <immintrin.h>
#include <omp.h>

#include <cstring>

#include "backends/cpu/ops.hpp"

namespace gcn::cpu {
namespace {

// Sixteen chains: two FMA ports with a latency of four cycles need eight in flight; sixteen
// keep them busy on every x86 core and still fit in the registers.
constexpr int kChains = 16;

// The vector width is chosen at run time, not by -march: the floor is the hardware's, whatever
// the build targets.
__attribute__((target("avx512f"))) float fma_chains_avx512(int64_t iterations) {
  __m512 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm512_set1_ps(1e-3f * static_cast<float>(j));
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i)
    for (int j = 0; j < kChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  __m512 sum = acc[0];
  for (int j = 1; j < kChains; ++j) sum = _mm512_add_ps(sum, acc[j]);
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(int64_t iterations) {
  __m256 acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = _mm256_set1_ps(1e-3f * static_cast<float>(j));
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int64_t i = 0; i < iterations; ++i)
    for (int j = 0; j < kChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  __m256 sum = acc[0];
  for (int j = 1; j < kChains; ++j) sum = _mm256_add_ps(sum, acc[j]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  float total = 0;
  for (float lane : lanes) total += lane;
  return total;
}

volatile float probe_sink;  // the chains' result goes somewhere, so they cannot be removed

}  // namespace

void copy_probe(const float* src, float* dst, int64_t n) {
  constexpr int64_t kChunks = 256;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < kChunks; ++c) {
    const int64_t begin = n * c / kChunks, end = n * (c + 1) / kChunks;
    std::memcpy(dst + begin, src + begin, static_cast<size_t>(end - begin) * sizeof(float));
  }
}

double fma_probe(int64_t fmas) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const int64_t lanes = avx512 ? 16 : 8;
  int threads = 1;
  float total = 0;
#pragma omp parallel reduction(+ : total)
  {
#pragma omp single
    threads = omp_get_num_threads();
    const int64_t iterations = fmas / (static_cast<int64_t>(omp_get_num_threads()) * kChains * lanes);
    total += avx512 ? fma_chains_avx512(iterations) : fma_chains_avx2(iterations);
  }
  probe_sink = total;
  const int64_t iterations = fmas / (threads * kChains * lanes);
  return 2.0 * static_cast<double>(iterations) * static_cast<double>(threads * kChains * lanes);
}

}  // namespace gcn::cpu
