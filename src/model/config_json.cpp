#include "model/config_json.hpp"

#include <limits>
#include <type_traits>

#include "core/error.hpp"

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

namespace {

// One field of a config object, of the JSON type T reads from.
template <typename T>
T field(const nlohmann::json& json, const char* name, const std::string& where) {
  const auto it = json.find(name);
  if (it == json.end()) fail(where + ": the config has no \"" + std::string(name) + "\"");
  const bool right_type = [&] {
    if constexpr (std::is_same_v<T, bool>) return it->is_boolean();
    else if constexpr (std::is_integral_v<T>) return it->is_number_integer();
    else if constexpr (std::is_floating_point_v<T>) return it->is_number();
    else return it->is_string();
  }();
  if (!right_type) fail(where + ": the config's \"" + std::string(name) + "\" is " + it->dump() + ", not of its type");
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const auto value = it->get<int64_t>();
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max())
      fail(where + ": the config's \"" + std::string(name) + "\" is " + it->dump() + ", out of range");
    return static_cast<T>(value);
  } else {
    return it->get<T>();
  }
}

}  // namespace

ModelConfig config_from_json(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object()) fail(where + ": \"config\" is not an object");
  ModelConfig c;
  c.preset = field<std::string>(json, "preset", where);
  c.layers = field<int>(json, "layers", where);
  c.hidden = field<int>(json, "hidden", where);
  c.dropout = field<double>(json, "dropout", where);
  c.input_dropout = field<bool>(json, "input_dropout", where);
  c.bias = field<bool>(json, "bias", where);
  c.bias_before_aggregation = field<bool>(json, "bias_before_aggregation", where);
  c.lr = field<double>(json, "lr", where);
  c.weight_decay = field<double>(json, "weight_decay", where);
  c.weight_decay_first_layer_only = field<bool>(json, "weight_decay_first_layer_only", where);
  c.adam_beta1 = field<double>(json, "adam_beta1", where);
  c.adam_beta2 = field<double>(json, "adam_beta2", where);
  c.adam_eps = field<double>(json, "adam_eps", where);
  c.epochs = field<int>(json, "epochs", where);
  c.row_normalize_features = field<bool>(json, "row_normalize_features", where);
  const auto mode = [&](const char* name) {
    const std::string text = field<std::string>(json, name, where);
    if (text != "sparse" && text != "dense")
      fail(where + ": the config's \"" + std::string(name) + "\" is \"" + text + "\", not sparse or dense");
    return text;
  };
  c.adjacency = parse_adjacency_mode(mode("adjacency"));
  c.features = parse_feature_mode(mode("features"));
  c.val_from_train_forward = field<bool>(json, "val_from_train_forward", where);
  const auto require = [&](bool ok, const char* what) {
    if (!ok) fail(where + ": the config's " + std::string(what));
  };
  require(c.layers >= 1 && c.hidden >= 1 && c.epochs >= 1, "layers, hidden and epochs must be at least 1");
  require(c.dropout >= 0 && c.dropout < 1, "dropout must be in [0, 1)");
  require(c.lr > 0 && c.weight_decay >= 0 && c.adam_eps > 0, "lr and adam_eps must be positive, weight_decay not negative");
  require(c.adam_beta1 >= 0 && c.adam_beta1 < 1 && c.adam_beta2 >= 0 && c.adam_beta2 < 1,
          "adam_beta1 and adam_beta2 must be in [0, 1)");
  return c;
}

}  // namespace gcn
