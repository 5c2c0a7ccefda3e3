#pragma once

#include <memory>

#include "backends/backend.hpp"

namespace gcn {

std::unique_ptr<Backend> make_cpu_ref_backend(const BackendOptions& options);

}  // namespace gcn
