// What every backend's optimizer needs to know about a layer: Adam hyper-parameters and the
// weight decay that applies to it (all layers, or only the first, per the config).
#pragma once

#include "backends/types.hpp"
#include "model/config.hpp"
#include "model/parameters.hpp"

namespace gcn {

inline double layer_weight_decay(const ModelConfig& config, int layer) {
  return config.weight_decay_first_layer_only && layer > 0 ? 0.0 : config.weight_decay;
}

inline AdamSettings adam_settings(const ModelConfig& config, int layer, int64_t step) {
  return {config.lr, config.adam_beta1, config.adam_beta2, config.adam_eps, layer_weight_decay(config, layer), step};
}

// One Adam step (number `step`, from 1) over every layer's weight and bias with that layer's
// settings. `update` is the backend's elementwise update: ref::adam_update<float> or the cpu
// backend's vectorized cpu::adam_update.
template <typename Update>
void adam_step(Parameters<float>& params, const Parameters<float>& grads, Parameters<float>& m, Parameters<float>& v,
               const ModelConfig& config, int64_t step, Update&& update) {
  for (int l = 0; l < params.num_layers(); ++l) {
    const AdamSettings settings = adam_settings(config, l, step);
    auto& w = params.weights[l];
    update(w.data.data(), grads.weights[l].data.data(), m.weights[l].data.data(), v.weights[l].data.data(), w.size(),
           settings);
    if (config.bias) {
      auto& b = params.biases[l];
      update(b.data(), grads.biases[l].data(), m.biases[l].data(), v.biases[l].data(), static_cast<int64_t>(b.size()),
             settings);
    }
  }
}

// A run's trainable state on the host: the parameters, their gradients, Adam's moments and the
// steps taken.
struct AdamState {
  Parameters<float> params, grads, m, v;
  int64_t step = 0;

  // Starts a run from `initial`: gradients and moments zero, no step taken.
  void reset(const Parameters<float>& initial) {
    params = initial;
    grads = zeros_like(initial);
    m = zeros_like(initial);
    v = zeros_like(initial);
    step = 0;
  }

  // One Adam step from the gradients held.
  template <typename Update>
  void update(const ModelConfig& config, Update&& elementwise) {
    ++step;
    adam_step(params, grads, m, v, config, step, elementwise);
  }
};

}  // namespace gcn
