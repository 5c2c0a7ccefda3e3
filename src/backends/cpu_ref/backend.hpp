#pragma once

#include <memory>

#include "backends/backend.hpp"
#include "backends/memory_footprint.hpp"
#include "backends/op_runner.hpp"

namespace gcn {

std::unique_ptr<Backend> make_cpu_ref_backend(const BackendOptions& options);
BackendFootprint cpu_ref_memory_footprint(const GraphShape& shape, const ModelConfig& config, const BackendOptions& options);
std::unique_ptr<PreparedOp> cpu_ref_prepare_op(const OpInputs& inputs, const BackendOptions& options);

}  // namespace gcn
