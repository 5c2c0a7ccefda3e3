// The memory of the cuda backend for a shape, host and device: backend.cu's constructor, and
// gcn.cu's load() and upload_parameters(). Plain C++, built into gcnbench itself, so that
// `--dry-run` needs neither the module nor a GPU. Rows S = train then val nodes; their share of A_hat's entries is taken as their
// share of the nodes.
#include <algorithm>

#include "backends/cuda/backend.hpp"
#include "backends/cuda/dense_layout.hpp"

namespace gcn {
namespace {

// A CSR on the device, with the work items a matrix with long rows is cut into (at most one per
// row plus one per 64 entries, 12 bytes each).
uint64_t device_csr_bytes(int64_t rows, int64_t entries) {
  return csr_bytes(rows, entries) + static_cast<uint64_t>(rows + entries / 64) * 12;
}

}  // namespace

BackendFootprint cuda_memory_footprint(const GraphShape& s, const ModelConfig& config, const BackendOptions&) {
  const std::vector<int64_t> widths = layer_widths(config, s.features, s.classes);
  const int layers = static_cast<int>(widths.size()) - 1;
  const auto n = static_cast<uint64_t>(s.nodes);
  const uint64_t floats = sizeof(float);
  const int64_t a_entries = s.adjacency_entries + s.nodes;
  const int64_t rows_s = s.train + s.val;
  const auto share = [&](int64_t rows) {
    return s.nodes > 0 ? static_cast<int64_t>(static_cast<double>(a_entries) * static_cast<double>(rows) /
                                              static_cast<double>(s.nodes))
                       : 0;
  };
  const int64_t s_entries = share(rows_s), train_entries = share(s.train);
  const bool input_dropout = config.input_dropout && config.dropout > 0;
  BackendFootprint f;

  // Host: the row block S is held through load(); beside it the largest of the transposes.
  uint64_t transpose = 0;
  if (config.adjacency == AdjacencyMode::Sparse) transpose = csr_bytes(s.nodes, a_entries) + n * 8;
  if (config.features == FeatureMode::Sparse)
    transpose = std::max(transpose, csr_bytes(s.features, s.feature_entries) + static_cast<uint64_t>(s.features) * 8);
  f.host_load.push_back({"rows S of A_hat, and the largest host transpose made for upload",
                         csr_bytes(rows_s, s_entries) + transpose, kGraphDriver});
  f.host_epoch.push_back(
      {"packed parameters (upload and read-back)", 2 * parameter_bytes(widths, config.bias), kParametersDriver});
  // Measured, not derived: the process grows by this much at its first epoch, whatever the
  // graph (126-132 MiB on an H200 with CUDA 13, from Cora to 10^8 stored entries), as the CUDA
  // runtime loads kernel images and cuBLAS its state on first use.
  f.host_epoch.push_back({"CUDA kernel images and cuBLAS state, loaded at the first epoch", uint64_t{128} << 20, ""});

  MemoryItems device;
  device.push_back({"cuBLAS and product workspaces, metrics, labels and split rows",
                    (uint64_t{32} << 20) + static_cast<uint64_t>(cuda::kDenseWorkspaceFloats) * floats + 4097 * 4 * 8 + static_cast<uint64_t>(rows_s + s.train + s.val + s.test) * 8,
                    ""});
  MemoryItems staging;  // what one block of load() holds only while it runs
  if (config.adjacency == AdjacencyMode::Sparse) {
    device.push_back({"A_hat, its rows S and the train rows' transpose (CSR)",
                      device_csr_bytes(s.nodes, a_entries) + device_csr_bytes(rows_s, s_entries) +
                          device_csr_bytes(s.nodes, train_entries),
                      kGraphDriver});
  } else {
    device.push_back({"dense adjacency and its rows S (n x n + S x n, rows padded to 4 floats)",
                      (n + static_cast<uint64_t>(rows_s)) * static_cast<uint64_t>(cuda::padded_stride(s.nodes)) * floats,
                      kDenseAdjacencyDriver});
    staging.push_back({"A_hat staged for densifying (CSR)",
                       device_csr_bytes(s.nodes, a_entries) + device_csr_bytes(rows_s, s_entries), kGraphDriver});
  }
  f.device.push_back({"adjacency", device});
  append(f.device.back().items, staging);
  staging.clear();
  if (config.features == FeatureMode::Sparse) {
    device.push_back({"features and their transpose (CSR)",
                      device_csr_bytes(s.nodes, s.feature_entries) + device_csr_bytes(s.features, s.feature_entries),
                      kGraphDriver});
  } else {
    // As load(): padded rows and a bit mask where the own first-layer products run, else a
    // dropped copy of X under input dropout.
    const bool own = cuda::own_first_layer_product(s.features, widths[1]);
    const auto ld = static_cast<uint64_t>(own ? cuda::padded_stride(s.features) : s.features);
    const uint64_t x = n * static_cast<uint64_t>(s.features);
    if (own) {
      device.push_back({input_dropout ? "dense features (rows padded to 4 floats) and their dropout mask (bits)"
                                      : "dense features (n x features, rows padded to 4 floats)",
                        n * ld * floats + (input_dropout ? ((x + 31) / 32 + 1) * 4 : 0), kDenseFeaturesDriver});
      if (cuda::aggregates_features_first(s.features, widths[1], layers, config.bias && config.bias_before_aggregation,
                                          config.adjacency == AdjacencyMode::Sparse, !input_dropout,
                                          s.val > 0 && !config.val_from_train_forward))
        device.push_back({"the features aggregated once, A_hat X (n x padded features)", n * ld * floats,
                          kDenseFeaturesDriver});
    } else {
      device.push_back(
          {input_dropout ? "dense features and their dropped copy (2 x n x features)" : "dense features (n x features)",
           (input_dropout ? 2 : 1) * x * floats, kDenseFeaturesDriver});
    }
    staging.push_back(
        {"features staged for densifying (CSR)", device_csr_bytes(s.nodes, s.feature_entries), kGraphDriver});
  }
  f.device.push_back({"features", device});
  append(f.device.back().items, staging);

  int64_t max_out = 0, max_hidden = 1;
  uint64_t activations = 0;
  for (int l = 0; l < layers; ++l) max_out = std::max(max_out, widths[l + 1]);
  for (int l = 1; l < layers; ++l) {
    max_hidden = std::max(max_hidden, widths[l]);
    activations += n * static_cast<uint64_t>(widths[l]) * floats;  // d_[l]
  }
  const int64_t classes = widths.back();
  const bool aggregate_first =
      layers >= 2 && widths[layers - 1] < classes && !(config.bias && config.bias_before_aggregation);
  const auto rows_s_or_1 = static_cast<uint64_t>(std::max<int64_t>(1, rows_s));
  if (aggregate_first)
    activations += (rows_s_or_1 + static_cast<uint64_t>(s.train)) * static_cast<uint64_t>(widths[layers - 1]) * floats;
  activations +=
      (rows_s_or_1 + n + static_cast<uint64_t>(s.train)) * static_cast<uint64_t>(classes) * floats;  // logits
  activations += n * static_cast<uint64_t>(2 * max_out + max_hidden + 1) * floats;                   // Z, dZ, dH, ones
  device.push_back({"activations, logits and gradient buffers", activations, kActivationsDriver});
  device.push_back(
      {"parameters, gradients, Adam m and v", 4 * parameter_bytes(widths, config.bias), kParametersDriver});
  f.device.push_back({"training", device});
  return f;
}

}  // namespace gcn
