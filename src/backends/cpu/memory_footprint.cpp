// The memory of the cpu backend for a shape: gcn.hpp's members and the backend's optimizer
// state. Loaders give a symmetric A_hat, so no transposed copy is counted.
#include <omp.h>

#include <algorithm>

#include "backends/cpu/backend.hpp"
#include "backends/cpu/gcn.hpp"

namespace gcn {

BackendFootprint cpu_memory_footprint(const GraphShape& s, const ModelConfig& config, const BackendOptions& options) {
  const std::vector<int64_t> widths = layer_widths(config, s.features, s.classes);
  const int layers = static_cast<int>(widths.size()) - 1;
  const auto n = static_cast<uint64_t>(s.nodes);
  const uint64_t floats = sizeof(float);
  const bool input_dropout = config.input_dropout && config.dropout > 0;
  BackendFootprint f;
  MemoryItems& held = f.host_resident;
  if (config.adjacency == AdjacencyMode::Dense)
    held.push_back({"dense adjacency (n x n, padded)", n * static_cast<uint64_t>(cpu::padded_to_16(s.nodes)) * floats,
                    kDenseAdjacencyDriver});
  if (config.features == FeatureMode::Dense) {
    const uint64_t dense = n * static_cast<uint64_t>(cpu::padded_to_16(s.features)) * floats;
    held.push_back({input_dropout ? "dense features and their dropped copy (2 x n x features, padded)"
                                  : "dense features (n x features, padded)",
                    (input_dropout ? 2 : 1) * dense, kDenseFeaturesDriver});
  } else {
    if (cpu::gathers_transposed_features(s.feature_entries, widths[1])) {
      held.push_back({"transposed features with entry indices (CSR)",
                      csr_bytes(s.features, s.feature_entries) + static_cast<uint64_t>(s.feature_entries) * 4,
                      kGraphDriver});
    } else {
      const int threads = options.threads > 0 ? options.threads : omp_get_num_procs();
      held.push_back({"per-thread slices of X^T dZ (threads x features x hidden)",
                      static_cast<uint64_t>(threads) * static_cast<uint64_t>(s.features) *
                          static_cast<uint64_t>(widths[1]) * floats,
                      "--threads, the feature count and --hidden"});
    }
    if (input_dropout)
      held.push_back({"input dropout scales (one per stored feature)",
                      static_cast<uint64_t>(s.feature_entries) * floats, "--input-dropout; use --no-input-dropout"});
  }
  int64_t max_width = 0;
  uint64_t activations = 0;
  for (int l = 1; l <= layers; ++l) {
    max_width = std::max(max_width, widths[l]);
    activations += n * static_cast<uint64_t>(widths[l]) * floats;  // D_l for l < L, the logits for l = L
  }
  activations += 2 * n * static_cast<uint64_t>(max_width) * floats;  // the two gradient buffers
  held.push_back({"activations, logits and two gradient buffers", activations, kActivationsDriver});
  held.push_back({"parameters, gradients, Adam m and v", 4 * parameter_bytes(widths, config.bias), kParametersDriver});
  return f;
}

}  // namespace gcn
