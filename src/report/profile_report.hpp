// `gcnbench train --profile` on the terminal (a table) and in the JSON lines (docs/results-schema.md,
// "profile").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/epoch_profile.hpp"

namespace gcn {

std::string profile_table(const EpochProfile& profile, const std::string& backend, const std::string& device);

// One {"event":"profile"} line per step, then one {"event":"profile_summary"}.
std::vector<nlohmann::json> profile_events(const EpochProfile& profile, const std::string& backend,
                                           const std::string& device);

}  // namespace gcn
