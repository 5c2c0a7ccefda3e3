#include "backends/multigpu/backend.hpp"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "backends/multigpu/gcn.hpp"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/in_process_communicator.hpp"
#include "backends/multigpu/partition.hpp"
#include "core/cpu_name.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

using multigpu::Communicator;
using multigpu::DistributedGcn;

class MultiRankBackend final : public Backend {
 public:
  MultiRankBackend(const multigpu::RankKernels& kernels, const BackendOptions& options) : kernels_(kernels) {
    if (options.ranks < 1) fail("--ranks must be at least 1 (got " + std::to_string(options.ranks) + ")");
    ranks_ = options.ranks;
    const int cores =
        options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads_per_rank_ = std::max(1, cores / ranks_);
  }

  void load(const Problem& problem) override {
    if (problem.config.adjacency != AdjacencyMode::Sparse)
      fail("--ranks " + std::to_string(ranks_) +
           ": the ranks split the sparse adjacency by rows; --adj dense is not supported there (use --adj sparse)");
    if (ranks_ > problem.num_nodes)
      fail("--ranks " + std::to_string(ranks_) + ": more ranks than the graph's " + std::to_string(problem.num_nodes) +
           " nodes");
    models_.clear();
    communicators_.clear();
    group_ = std::make_unique<multigpu::InProcessGroup>(ranks_);
    for (int r = 0; r < ranks_; ++r) communicators_.emplace_back(*group_, r);
    models_.resize(static_cast<size_t>(ranks_));
    const multigpu::RowPartition partition = multigpu::partition_rows_by_cost(problem.adjacency, ranks_);
    on_each_rank([&](Communicator& comm) {
      models_[static_cast<size_t>(comm.rank())] = std::make_unique<DistributedGcn>(
          problem, multigpu::build_rank_plan(problem.adjacency, partition, comm.rank()), comm,
          multigpu::ExchangeMode::Halo, kernels_);
    });
    pending_.clear();
  }

  void reset(const Parameters<float>& params, uint64_t seed) override {
    require_loaded();
    for (auto& model : models_) model->reset(params, seed);
    pending_.clear();
  }

  Parameters<float> parameters() override {
    require_loaded();
    return models_.front()->parameters();
  }

  void train_epoch(int epoch) override { run_epoch(epoch, nullptr); }

  std::vector<StepTime> profile_epoch(int epoch) override {
    StepClock clock;
    clock.start();
    run_epoch(epoch, &clock);
    return clock.take();
  }

  std::vector<EpochMetrics> collect_metrics() override { return std::exchange(pending_, {}); }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    std::vector<LossAndAccuracy> results(static_cast<size_t>(ranks_));
    on_each_rank([&](Communicator& comm) {
      const auto r = static_cast<size_t>(comm.rank());
      results[r] = models_[r]->evaluate(split);
    });
    return results.front();
  }

  BackendInfo info() const override {
    BackendInfo info;
    info.name = kernels_.name;
    info.device = host_cpu_name() + ", " + std::to_string(ranks_) + " simulated ranks x " +
                  std::to_string(threads_per_rank_) + " thread(s), halo exchange in shared memory";
    info.threads = ranks_ * threads_per_rank_;
    info.ranks = ranks_;
    return info;
  }

 private:
  void require_loaded() const {
    if (models_.empty()) fail(std::string(kernels_.name) + " --ranks: called before load()");
  }

  void on_each_rank(const std::function<void(Communicator&)>& body) {
    multigpu::run_on_each_rank(communicators_, [&](Communicator& comm) {
      kernels_.enter_rank(threads_per_rank_);
      body(comm);
    });
  }

  // Every rank reports the global metrics; they must agree bit for bit, or the replicas drifted.
  void run_epoch(int epoch, StepClock* clock) {
    require_loaded();
    std::vector<EpochMetrics> metrics(static_cast<size_t>(ranks_));
    on_each_rank([&](Communicator& comm) {
      const auto r = static_cast<size_t>(comm.rank());
      metrics[r] = models_[r]->train_epoch(epoch, r == 0 ? clock : nullptr);
    });
    for (int r = 1; r < ranks_; ++r)
      if (metrics[static_cast<size_t>(r)] != metrics.front())
        fail("--ranks " + std::to_string(ranks_) + ": rank " + std::to_string(r) +
             " reported other metrics than rank 0 in epoch " + std::to_string(epoch) + " (the replicas drifted apart)");
    pending_.push_back(metrics.front());
  }

  multigpu::RankKernels kernels_;
  int ranks_ = 1, threads_per_rank_ = 1;
  std::unique_ptr<multigpu::InProcessGroup> group_;
  std::vector<multigpu::InProcessCommunicator> communicators_;
  std::vector<std::unique_ptr<DistributedGcn>> models_;
  std::vector<EpochMetrics> pending_;
};

}  // namespace

std::unique_ptr<Backend> make_multirank_backend(const multigpu::RankKernels& kernels, const BackendOptions& options) {
  return std::make_unique<MultiRankBackend>(kernels, options);
}

}  // namespace gcn
