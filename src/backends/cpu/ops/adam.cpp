// Adam of the cpu backend, vectorized.
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "backends/cpu/ops.hpp"

namespace gcn::cpu {

namespace {

// ref::adam_update's arithmetic, in the same order, for a chunk of elements. GCC vectorizes it
// (square roots and divisions are correctly rounded in vector registers too) only because this
// file is compiled with -fno-math-errno: otherwise sqrtf may set errno and the loop stays scalar,
// ~3 ns per element, 70 us of Cora's 1.1 ms kipf epoch.
void adam_chunk(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ m,
                float* __restrict__ v, int64_t n, float beta1, float beta2, float weight_decay, float eps,
                float bias_correction2_sqrt, float step_size) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i] + weight_decay * param[i];
    m[i] = beta1 * m[i] + (1.0f - beta1) * g;
    v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
    const float denom = std::sqrt(v[i]) / bias_correction2_sqrt + eps;
    param[i] -= step_size * m[i] / denom;
  }
}

}  // namespace

void adam_update(float* param, const float* grad, float* m, float* v, int64_t n, const AdamSettings& s) {
  // The scalars exactly as ref::adam_update computes them.
  const float beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
  const float bias_correction1 = 1.0f - static_cast<float>(std::pow(s.beta1, static_cast<double>(s.step)));
  const float bias_correction2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.step))));
  const float step_size = static_cast<float>(s.lr) / bias_correction1;
  const float weight_decay = static_cast<float>(s.weight_decay), eps = static_cast<float>(s.eps);
  const int64_t chunk = 1 << 14;
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t b = 0; b < n; b += chunk)
    adam_chunk(param + b, grad + b, m + b, v + b, std::min(chunk, n - b), beta1, beta2, weight_decay, eps,
               bias_correction2_sqrt, step_size);
}

}  // namespace gcn::cpu
