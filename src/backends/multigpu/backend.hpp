// `--ranks P`: the Backend adapter of the multi-GPU training step (gcn.hpp), run as P simulated
// ranks in this process, one thread each, over the in-process communicator. The adjacency is
// split into P row blocks by cost (partition.hpp), each rank holds its block, its halo plan and
// a replica of the parameters, and every epoch exchanges halo rows and all-reduces the gradients
// exactly as the ranks of a multi-GPU run would. What it shows on one machine: that the
// distributed step trains the same curve as one device (within 1e-5), and what it communicates.
// Its times are those of threads sharing one CPU, not of GPUs.
#pragma once

#include <memory>
#include <string>

#include "backends/backend.hpp"
#include "backends/multigpu/rank_kernels.hpp"

namespace gcn {

// `kernels` names the backend whose dense kernels the ranks use ("cpu-ref" or "cpu");
// options.ranks >= 1 ranks share options.threads (0: all cores).
std::unique_ptr<Backend> make_multirank_backend(const multigpu::RankKernels& kernels, const BackendOptions& options);

}  // namespace gcn
