#include "model/parameters.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/read_file.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"

namespace gcn {

Parameters<float> glorot_parameters(const std::vector<int64_t>& widths, bool bias, uint64_t seed) {
  Rng rng(seed);
  Parameters<float> params;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const int64_t fan_in = widths[l], fan_out = widths[l + 1];
    const double bound = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    Matrix<float> w(fan_in, fan_out);
    for (float& x : w.data) x = static_cast<float>(rng.uniform(-bound, bound));
    params.weights.push_back(std::move(w));
    params.biases.emplace_back(bias ? static_cast<size_t>(fan_out) : 0, 0.0f);
  }
  return params;
}

void save_parameters(const Parameters<float>& params, const std::string& path) {
  nlohmann::json layers = nlohmann::json::array();
  for (int l = 0; l < params.num_layers(); ++l) {
    const auto& w = params.weights[l];
    layers.push_back({{"rows", w.rows}, {"cols", w.cols}, {"weight", w.data}, {"bias", params.biases[l]}});
  }
  const nlohmann::json doc = {{"format", "gcnbench-parameters-1"}, {"layers", layers}};
  write_file_atomically(path, doc.dump() + "\n");
}

Parameters<float> load_parameters(const std::string& path) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    fail(path + ": not valid JSON: " + e.what());
  }
  // value() throws on anything but an object (scripts/fuzz found the file "2").
  if (!doc.is_object() || !doc.contains("format") || doc["format"] != "gcnbench-parameters-1")
    fail(path + ": not a gcnbench-parameters-1 file");
  Parameters<float> params;
  try {
    for (const auto& layer : doc.at("layers")) {
      // The shape is checked against the values the file really holds before it sizes anything:
      // a short file claiming a 3e9 x 1 matrix must not allocate 12 GB.
      const int64_t rows = layer.at("rows").get<int64_t>(), cols = layer.at("cols").get<int64_t>();
      const auto& weight = layer.at("weight");
      if (!weight.is_array()) fail(path + ": weight is not an array");
      const auto count = static_cast<int64_t>(weight.size());
      if (rows < 0 || cols < 0 || (cols > 0 && rows > count / cols) || rows * cols != count)
        fail(path + ": layer " + std::to_string(params.num_layers()) + " claims " + std::to_string(rows) + " x " +
             std::to_string(cols) + " weights, the file holds " + std::to_string(count) + " values");
      Matrix<float> w(rows, cols);
      w.data = weight.get<std::vector<float>>();
      params.weights.push_back(std::move(w));
      params.biases.push_back(layer.at("bias").get<std::vector<float>>());
    }
  } catch (const nlohmann::json::exception& e) {
    fail(path + ": malformed parameters: " + e.what());
  }
  return params;
}

}  // namespace gcn
