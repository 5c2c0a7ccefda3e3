// A ModelConfig as JSON: written into exports (peers read it), and into the summary line of
// every run, so a result says which model it trained.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/config.hpp"

namespace gcn {

// Every ModelConfig field under its C++ name; enums as "sparse"/"dense".
nlohmann::json config_to_json(const ModelConfig& config);

// The inverse, for `train --problem`: every field must be there with its type and a valid value.
// Throws gcn::Error naming `where` (the file) and the field otherwise.
ModelConfig config_from_json(const nlohmann::json& json, const std::string& where);

}  // namespace gcn
