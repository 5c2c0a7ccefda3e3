// A ModelConfig as JSON: written into exports (peers read it), and into the summary line of
// every run, so a result says which model it trained.
#pragma once

#include <nlohmann/json.hpp>

#include "model/config.hpp"

namespace gcn {

// Every ModelConfig field under its C++ name; enums as "sparse"/"dense".
nlohmann::json config_to_json(const ModelConfig& config);

}  // namespace gcn
