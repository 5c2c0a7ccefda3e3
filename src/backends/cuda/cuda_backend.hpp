// Backend `cuda`: the whole training run on one GPU (data, parameters, Adam state, metrics), one
// epoch replayed as one CUDA graph. Plain C++ header: the registry (g++) includes it.
#pragma once

#include <memory>
#include <string>

#include "backends/backend.hpp"

namespace gcn {

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options);
// Empty when a usable CUDA device is present; otherwise why not (never throws).
std::string cuda_unavailable_reason();

}  // namespace gcn
