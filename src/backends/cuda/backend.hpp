// Backend `cuda`: the whole training run on one GPU (data, parameters, Adam state, metrics), one
// epoch replayed as one CUDA graph. The backend itself lives in a module that these functions
// load on first use (cuda_module.hpp says why). Plain C++ header: the registry includes it.
#pragma once

#include <memory>
#include <string>

#include "backends/backend.hpp"
#include "backends/memory_footprint.hpp"
#include "backends/op_runner.hpp"

namespace gcn {

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options);
// Empty when the module loads and a usable CUDA device is present; otherwise why not (never
// throws).
std::string cuda_unavailable_reason();
BackendFootprint cuda_memory_footprint(const GraphShape& shape, const ModelConfig& config, const BackendOptions& options);
// Loads the module as make_cuda_backend does.
std::unique_ptr<PreparedOp> cuda_prepare_op(const OpInputs& inputs, const BackendOptions& options);

}  // namespace gcn
