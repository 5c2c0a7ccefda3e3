#pragma once

#include <memory>

#include "backends/backend.hpp"
#include "backends/memory_footprint.hpp"

namespace gcn {

// Backend `cpu`: the GCN on OpenMP threads (BackendOptions.threads, 0 = all cores), dense
// products through OpenBLAS or skinny kernels of our own, CSR SpMM, fused pointwise passes.
std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options);
BackendFootprint cpu_memory_footprint(const GraphShape& shape, const ModelConfig& config, const BackendOptions& options);

}  // namespace gcn
