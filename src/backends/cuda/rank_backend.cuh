// The cuda backend as one rank of a multi-GPU run (rank_backend.cu); the module's
// make_backend entry point returns it when options.gpus >= 1.
#pragma once

#include "backends/backend.hpp"

namespace gcn::cuda {

// The caller owns it. Joins the NCCL group of options.gpus ranks (blocking until all have).
Backend* make_rank_backend(const BackendOptions& options);

}  // namespace gcn::cuda
