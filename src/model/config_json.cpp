#include "model/config_json.hpp"

namespace gcn {

nlohmann::json config_to_json(const ModelConfig& c) {
  return {
      {"preset", c.preset},
      {"layers", c.layers},
      {"hidden", c.hidden},
      {"dropout", c.dropout},
      {"input_dropout", c.input_dropout},
      {"bias", c.bias},
      {"bias_before_aggregation", c.bias_before_aggregation},
      {"lr", c.lr},
      {"weight_decay", c.weight_decay},
      {"weight_decay_first_layer_only", c.weight_decay_first_layer_only},
      {"adam_beta1", c.adam_beta1},
      {"adam_beta2", c.adam_beta2},
      {"adam_eps", c.adam_eps},
      {"epochs", c.epochs},
      {"row_normalize_features", c.row_normalize_features},
      {"adjacency", to_string(c.adjacency)},
      {"features", to_string(c.features)},
      {"val_from_train_forward", c.val_from_train_forward},
  };
}

}  // namespace gcn
