// Everything that defines the model and its training, and the two presets. Every field has a
// CLI flag of its own (cli/model_flags.cpp), so a preset is only a starting point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gcn {

enum class AdjacencyMode { Sparse, Dense };  // CSR SpMM, or the dense n x n product
enum class FeatureMode { Sparse, Dense };    // CSR features times W, or a dense GEMM

struct ModelConfig {
  std::string preset = "kipf";
  int layers = 2;
  int hidden = 16;
  // Inverted dropout with this probability on the input of every layer after the first, and on
  // the first layer's input (the features) too when input_dropout is set (Kipf, PyG).
  double dropout = 0.5;
  bool input_dropout = true;
  bool bias = true;
  // false: H' = A_hat (H W) + b (Kipf, PyG). true: H' = A_hat (H W + b) (MLX-vs-CUDA benchmark).
  bool bias_before_aggregation = false;
  double lr = 0.01;
  double weight_decay = 5e-4;       // L2 added to the gradient, as torch.optim.Adam does
  bool weight_decay_first_layer_only = true;  // Kipf/PyG: weight and bias of layer 0 only
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_eps = 1e-8;
  int epochs = 200;
  bool row_normalize_features = true;
  AdjacencyMode adjacency = AdjacencyMode::Sparse;
  FeatureMode features = FeatureMode::Sparse;
  // true: validation loss/accuracy come from the training forward's logits (dropout on), as the
  // MLX-vs-CUDA benchmark computed them; false: a separate forward in eval mode (Kipf).
  bool val_from_train_forward = false;
};

// "kipf" or "mlx-gcn"; throws gcn::Error for any other name.
ModelConfig preset_config(const std::string& name);

const char* to_string(AdjacencyMode mode);
const char* to_string(FeatureMode mode);
AdjacencyMode parse_adjacency_mode(const std::string& text);
FeatureMode parse_feature_mode(const std::string& text);

// Layer widths: features, hidden x (layers-1), classes.
std::vector<int64_t> layer_widths(const ModelConfig& config, int64_t num_features, int num_classes);

}  // namespace gcn
