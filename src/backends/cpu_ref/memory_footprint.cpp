// The memory of cpu-ref for a shape: gcn.hpp's members and its backward's temporaries.
#include <algorithm>

#include "backends/cpu_ref/backend.hpp"

namespace gcn {

BackendFootprint cpu_ref_memory_footprint(const GraphShape& s, const ModelConfig& config, const BackendOptions&) {
  const std::vector<int64_t> widths = layer_widths(config, s.features, s.classes);
  const int layers = static_cast<int>(widths.size()) - 1;
  const auto n = static_cast<uint64_t>(s.nodes);
  const uint64_t floats = sizeof(float);
  BackendFootprint f;
  MemoryItems& held = f.host_resident;
  held.push_back({"A_hat, cpu-ref's own copy (CSR)", csr_bytes(s.nodes, s.adjacency_entries + s.nodes), kGraphDriver});
  held.push_back({"features, cpu-ref's own copy and its dropped copy (CSR)", 2 * csr_bytes(s.nodes, s.feature_entries),
                  kGraphDriver});
  if (config.adjacency == AdjacencyMode::Dense)
    held.push_back({"dense adjacency (n x n)", n * n * floats, kDenseAdjacencyDriver});
  if (config.features == FeatureMode::Dense) {
    // The dense X, and layer 0's dropped input of the same size.
    held.push_back({"dense features and their dropped copy (2 x n x features)",
                    2 * n * static_cast<uint64_t>(s.features) * floats, kDenseFeaturesDriver});
  }
  uint64_t activations = 0;
  for (int l = 0; l < layers; ++l) {
    if (l > 0) activations += n * static_cast<uint64_t>(widths[l]) * floats;  // dropped input D_l
    activations += 3 * n * static_cast<uint64_t>(widths[l + 1]) * floats;     // Z_l, P_l, relu(P_l)
  }
  held.push_back({"activations (per layer: input, Z, P, relu(P))", activations, kActivationsDriver});
  held.push_back({"parameters, gradients, Adam m and v", 4 * parameter_bytes(widths, config.bias), kParametersDriver});
  // The backward holds dP_l, dZ_l and dH_l of one layer at a time.
  uint64_t backward = 0;
  for (int l = 0; l < layers; ++l)
    backward =
        std::max<uint64_t>(backward, n * static_cast<uint64_t>(2 * widths[l + 1] + (l > 0 ? widths[l] : 0)) * floats);
  f.host_epoch.push_back({"backward temporaries (one layer's dP, dZ, dH)", backward, kActivationsDriver});
  return f;
}

}  // namespace gcn
