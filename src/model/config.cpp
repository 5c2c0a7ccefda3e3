#include "model/config.hpp"

#include "core/error.hpp"

namespace gcn {

ModelConfig preset_config(const std::string& name) {
  ModelConfig config;  // the defaults are Kipf & Welling's (and PyG's example)
  if (name == "kipf") return config;
  if (name == "mlx-gcn") {
    // TristanBilot/mlx-GCN main_torch.py (and gcn.py for MLX) as of every published figure:
    // layer_sizes = [x_dim] + [h_dim] * nb_layers + [out_dim] with nb_layers = 2, i.e. three GCN
    // layers (1433 -> 16 -> 16 -> 7 on Cora); each does x @ W + b, then adj @ x; ReLU and dropout
    // after each hidden layer, none on the features; torch.optim.Adam(weight_decay) on every
    // parameter; raw binary features; dense adjacency; val metrics off the training forward.
    config.preset = "mlx-gcn";
    config.layers = 3;
    config.hidden = 16;
    config.dropout = 0.5;
    config.input_dropout = false;
    config.bias_before_aggregation = true;
    config.weight_decay = 5e-3;
    config.weight_decay_first_layer_only = false;
    config.epochs = 50;
    config.row_normalize_features = false;
    config.adjacency = AdjacencyMode::Dense;
    config.features = FeatureMode::Dense;
    config.val_from_train_forward = true;
    return config;
  }
  fail("unknown preset '" + name + "' (known: kipf, mlx-gcn)");
}

const char* to_string(AdjacencyMode mode) { return mode == AdjacencyMode::Dense ? "dense" : "sparse"; }
const char* to_string(FeatureMode mode) { return mode == FeatureMode::Dense ? "dense" : "sparse"; }

AdjacencyMode parse_adjacency_mode(const std::string& text) {
  if (text == "sparse") return AdjacencyMode::Sparse;
  if (text == "dense") return AdjacencyMode::Dense;
  fail("unknown adjacency mode '" + text + "' (known: sparse, dense)");
}

FeatureMode parse_feature_mode(const std::string& text) {
  if (text == "sparse") return FeatureMode::Sparse;
  if (text == "dense") return FeatureMode::Dense;
  fail("unknown feature mode '" + text + "' (known: sparse, dense)");
}

std::vector<int64_t> layer_widths(const ModelConfig& config, int64_t num_features, int num_classes) {
  if (config.layers < 1) fail("--layers must be at least 1");
  if (config.hidden < 1) fail("--hidden must be at least 1");
  std::vector<int64_t> widths{num_features};
  for (int l = 1; l < config.layers; ++l) widths.push_back(config.hidden);
  widths.push_back(num_classes);
  return widths;
}

}  // namespace gcn
