// cpu-ref Adam (torch.optim.Adam's arithmetic).
#pragma once

#include <cmath>
#include <cstdint>

#include "backends/types.hpp"

namespace gcn::ref {

// torch.optim.Adam: g += wd * param; m, v moving averages; param -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
template <typename T>
void adam_update(T* param, const T* grad, T* m, T* v, int64_t n, const AdamSettings& s) {
  const T beta1 = static_cast<T>(s.beta1), beta2 = static_cast<T>(s.beta2);
  const T bias_correction1 = T(1) - static_cast<T>(std::pow(s.beta1, static_cast<double>(s.step)));
  const T bias_correction2_sqrt = static_cast<T>(std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.step))));
  const T step_size = static_cast<T>(s.lr) / bias_correction1;
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i] + static_cast<T>(s.weight_decay) * param[i];
    m[i] = beta1 * m[i] + (T(1) - beta1) * g;
    v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
    const T denom = std::sqrt(v[i]) / bias_correction2_sqrt + static_cast<T>(s.eps);
    param[i] -= step_size * m[i] / denom;
  }
}

}  // namespace gcn::ref
