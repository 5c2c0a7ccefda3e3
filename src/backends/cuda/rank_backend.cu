// Backend `cuda` as one rank of `train --gpus N`: this process's GPU, its row block of the
// graph and a replica of the parameters (rank_gcn.cuh), over the NCCL communicator. The
// launcher (train/rank_launcher.hpp) starts one such process per GPU; each runs the whole
// training loop, and every metric it reports is already the global one. The counterpart of
// backends/multigpu/backend.cpp, whose ranks are threads of one process.
#include <cuda_runtime.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/device_handles.cuh"
#include "backends/cuda/rank_backend.cuh"
#include "backends/cuda/rank_gcn.cuh"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/partition.hpp"
#include "backends/multigpu/rendezvous.hpp"
#include "core/error.hpp"

#if GCNBENCH_HAVE_NCCL
#include "backends/multigpu/nccl/nccl_communicator.hpp"
#endif

namespace gcn::cuda {
namespace {

// How long ranks 1.. wait for rank 0's group id: rank 0 may first have a large graph to load.
constexpr double kRendezvousTimeoutSeconds = 600;

// The rank's GPU: device `rank` of this machine.
int device_of_rank(const BackendOptions& options) {
  if (options.gpus < 1 || options.gpu_rank < 0 || options.gpu_rank >= options.gpus)
    fail("cuda --gpus: rank " + std::to_string(options.gpu_rank) + " of " + std::to_string(options.gpus) +
         " is not a rank of the group");
  int count = 0;
  GCN_CUDA_CHECK(cudaGetDeviceCount(&count));
  if (options.gpus > count)
    fail("--gpus " + std::to_string(options.gpus) + ": this machine has " + std::to_string(count) +
         " CUDA device(s); one process per GPU needs as many GPUs as ranks");
  return options.gpu_rank;
}

#if GCNBENCH_HAVE_NCCL
std::unique_ptr<multigpu::Communicator> join_group(const BackendOptions& options, int device) {
  const std::string why_not = multigpu::NcclCommunicator::unavailable_reason();
  if (!why_not.empty()) fail("cuda --gpus: NCCL cannot be used here: " + why_not);
  if (options.rendezvous.empty()) fail("cuda --gpus: no rendezvous file to exchange the group's id through");
  multigpu::NcclUniqueId id;
  if (options.gpu_rank == 0) {
    id = multigpu::NcclCommunicator::make_unique_id();
    multigpu::publish_rendezvous(options.rendezvous, std::string(id.begin(), id.end()));
  } else {
    const std::string bytes = multigpu::await_rendezvous(options.rendezvous, id.size(), kRendezvousTimeoutSeconds);
    std::copy(bytes.begin(), bytes.end(), id.begin());
  }
  return std::make_unique<multigpu::NcclCommunicator>(options.gpu_rank, options.gpus, id, device);
}
#else
std::unique_ptr<multigpu::Communicator> join_group(const BackendOptions&, int) {
  fail("cuda --gpus: this gcnbench was built without nccl.h, so it has no NCCL communicator");
}
#endif

class CudaRankBackend final : public Backend {
 public:
  explicit CudaRankBackend(const BackendOptions& options)
      : options_(options), device_(device_of_rank(options)), comm_(join_group(options, options.gpu_rank)) {}

  void load(const Problem& problem) override {
    model_.reset();
    if (problem.config.adjacency != AdjacencyMode::Sparse)
      fail("--gpus " + std::to_string(options_.gpus) +
           ": the ranks split the sparse adjacency by rows; --adj dense is not supported there (use --adj sparse)");
    if (options_.gpus > problem.num_nodes)
      fail("--gpus " + std::to_string(options_.gpus) + ": more ranks than the graph's " +
           std::to_string(problem.num_nodes) + " nodes");
    const multigpu::RowPartition partition = multigpu::partition_rows_by_cost(problem.adjacency, options_.gpus);
    model_.emplace(device_, *comm_, problem, multigpu::build_rank_plan(problem.adjacency, partition, comm_->rank()));
    pending_.clear();
  }

  void reset(const Parameters<float>& params, uint64_t seed) override {
    require_loaded();
    model_->reset(params, seed);
    pending_.clear();
  }

  Parameters<float> parameters() override {
    require_loaded();
    return model_->parameters();
  }

  void train_epoch(int epoch) override {
    require_loaded();
    pending_.push_back(model_->train_epoch(epoch));
  }

  std::vector<StepTime> profile_epoch(int epoch) override {
    require_loaded();
    StepClock clock;
    clock.start();
    pending_.push_back(model_->train_epoch(epoch, &clock));
    return clock.take();
  }

  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    return model_->evaluate(split);
  }

  BackendInfo info() const override {
    BackendInfo info;
    info.name = "cuda";
    info.device = device_.device_name() + ", rank " + std::to_string(options_.gpu_rank) + " of " +
                  std::to_string(options_.gpus) + " (one process per GPU, NCCL)";
    info.threads = 1;
    info.peak_device_bytes = device_.memory().peak;
    info.device_free_bytes = device_.free_bytes();
    info.ranks = options_.gpus;
    return info;
  }

 private:
  void require_loaded() const {
    if (!model_) fail("cuda --gpus: load() must come first");
  }

  BackendOptions options_;
  DeviceHandles device_;  // before the model: its arrays count against the device's memory counter
  std::unique_ptr<multigpu::Communicator> comm_;
  std::optional<CudaRankGcn> model_;
  std::vector<EpochMetrics> pending_;
};

}  // namespace

Backend* make_rank_backend(const BackendOptions& options) { return new CudaRankBackend(options); }

}  // namespace gcn::cuda
