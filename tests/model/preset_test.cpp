// The presets are promises about published models: a change to one of these settings changes
// what every comparison with the MLX-vs-CUDA benchmark (or with Kipf & Welling) means.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "model/config.hpp"

namespace gcn {
namespace {

// TristanBilot/mlx-GCN main_torch.py / gcn.py as timed for every published figure: three GCN
// layers 1433 -> 16 -> 16 -> 7 on Cora, each x @ W + b then adj @ x, ReLU and dropout 0.5 after
// each hidden layer (none on the features), Adam lr 0.01 with weight decay 5e-3 on every
// parameter, 50 epochs, raw features, dense adjacency, val metrics off the training forward.
TEST(Presets, MlxGcnIsTheBenchmarksThreeLayerModel) {
  const ModelConfig c = preset_config("mlx-gcn");
  EXPECT_EQ(c.preset, "mlx-gcn");
  EXPECT_EQ(c.layers, 3);
  EXPECT_EQ(layer_widths(c, 1433, 7), (std::vector<int64_t>{1433, 16, 16, 7}));
  // Dropout sits on the input of every layer after the first (backend.hpp): after each of the
  // two hidden layers' ReLU, and not on the features.
  EXPECT_EQ(c.dropout, 0.5);
  EXPECT_FALSE(c.input_dropout);
  EXPECT_TRUE(c.bias);
  EXPECT_TRUE(c.bias_before_aggregation);
  EXPECT_EQ(c.lr, 0.01);
  EXPECT_EQ(c.weight_decay, 5e-3);
  EXPECT_FALSE(c.weight_decay_first_layer_only);
  EXPECT_EQ(c.epochs, 50);
  EXPECT_FALSE(c.row_normalize_features);
  EXPECT_EQ(c.adjacency, AdjacencyMode::Dense);
  EXPECT_EQ(c.features, FeatureMode::Dense);
  EXPECT_TRUE(c.val_from_train_forward);
}

// Kipf & Welling (and PyG's example): two layers, dropout on every layer's input, bias after
// aggregation, weight decay 5e-4 on the first layer, 200 epochs, row-normalized sparse features.
TEST(Presets, KipfIsKipfAndWellingsModel) {
  const ModelConfig c = preset_config("kipf");
  EXPECT_EQ(c.layers, 2);
  EXPECT_EQ(layer_widths(c, 1433, 7), (std::vector<int64_t>{1433, 16, 7}));
  EXPECT_EQ(c.dropout, 0.5);
  EXPECT_TRUE(c.input_dropout);
  EXPECT_FALSE(c.bias_before_aggregation);
  EXPECT_EQ(c.weight_decay, 5e-4);
  EXPECT_TRUE(c.weight_decay_first_layer_only);
  EXPECT_EQ(c.epochs, 200);
  EXPECT_TRUE(c.row_normalize_features);
  EXPECT_EQ(c.adjacency, AdjacencyMode::Sparse);
  EXPECT_FALSE(c.val_from_train_forward);
}

TEST(Presets, UnknownNameIsAnErrorNamingTheKnownOnes) {
  try {
    preset_config("mlx");
    FAIL() << "an unknown preset was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mlx-gcn"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gcn
