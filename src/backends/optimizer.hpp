// What every backend's optimizer needs to know about a layer: Adam hyper-parameters and the
// weight decay that applies to it (all layers, or only the first, per the config).
#pragma once

#include "backends/cpu_ref/kernels.hpp"
#include "model/config.hpp"

namespace gcn {

inline double layer_weight_decay(const ModelConfig& config, int layer) {
  return config.weight_decay_first_layer_only && layer > 0 ? 0.0 : config.weight_decay;
}

inline ref::AdamSettings adam_settings(const ModelConfig& config, int layer, int64_t step) {
  return {config.lr, config.adam_beta1, config.adam_beta2, config.adam_eps, layer_weight_decay(config, layer), step};
}

}  // namespace gcn
