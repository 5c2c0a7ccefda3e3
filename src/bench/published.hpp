// Published figures of other benchmarks, shown beside measured rows so a user sees their machine
// next to the article's. They are data from a named source, never measured here: their rows
// have status "reference" and carry the source (docs/results-schema.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gcn {

// Names `bench --reference` accepts.
std::vector<std::string> published_reference_names();

// The reference rows of `name` ("mlx-gcn": the MLX-vs-CUDA benchmark, TristanBilot/mlx-GCN),
// for `dataset` (the figures are Cora's: empty for any other dataset). Throws gcn::Error for an
// unknown name.
std::vector<nlohmann::json> published_rows(const std::string& name, const std::string& dataset);

}  // namespace gcn
