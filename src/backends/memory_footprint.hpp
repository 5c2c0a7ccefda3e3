// What a backend holds for a problem of a given shape, computed from the shape alone (no
// allocation, no device needed), so that a run that cannot fit is refused before it starts and
// `--dry-run` can print the whole estimate. Each backend's function mirrors its load() and
// epoch; tests/backends/memory_footprint_test.cpp holds them to the measured peaks.
#pragma once

#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "core/memory_item.hpp"
#include "data/graph_shape.hpp"
#include "model/config.hpp"

namespace gcn {

struct MemoryPhase {
  std::string name;
  MemoryItems items;
  uint64_t bytes() const { return total_bytes(items); }
};

struct BackendFootprint {
  MemoryItems host_resident;        // held from load() to the end of the run
  MemoryItems host_load;            // temporaries of load(), freed before it returns
  MemoryItems host_epoch;           // temporaries of one epoch
  std::vector<MemoryPhase> device;  // device memory in each phase of load() and training, cumulative
};

// Throws gcn::Error for a backend this binary does not have.
BackendFootprint memory_footprint(const std::string& backend, const GraphShape& shape, const ModelConfig& config,
                                  const BackendOptions& options);

// Shared by the backends' footprints: the parameter bytes (weights and biases) and the drivers
// users change to shrink each kind of buffer.
uint64_t parameter_bytes(const std::vector<int64_t>& widths, bool bias);
inline constexpr const char* kDenseAdjacencyDriver = "--adj dense; use --adj sparse";
inline constexpr const char* kDenseFeaturesDriver = "--features dense; use --features sparse";
inline constexpr const char* kActivationsDriver = "--hidden and --layers, times the node count";
inline constexpr const char* kParametersDriver = "--hidden and --layers, times the feature count";
inline constexpr const char* kGraphDriver = "the graph's size (--dataset, --data or --synthetic)";

}  // namespace gcn
