#pragma once

#include <memory>

#include "backends/backend.hpp"
#include "backends/memory_footprint.hpp"
#include "backends/op_runner.hpp"

namespace gcn {

// Backend `cpu`: the GCN on OpenMP threads (BackendOptions.threads, 0 = all cores), dense
// products through OpenBLAS or skinny kernels of our own, CSR SpMM, fused pointwise passes.
std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options);
BackendFootprint cpu_memory_footprint(const GraphShape& shape, const ModelConfig& config, const BackendOptions& options);
// "<cpu model> (N threads, <BLAS>)", as BackendInfo.device says it.
std::string cpu_device_name(int threads);
std::unique_ptr<PreparedOp> cpu_prepare_op(const OpInputs& inputs, const BackendOptions& options);

}  // namespace gcn
