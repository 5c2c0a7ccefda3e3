// P simulated ranks as P threads of one process, exchanging through shared memory: the
// transport of the CPU tests. Deterministic: every reduction adds the ranks' contributions in
// rank order, whatever order the threads arrive in, so a run reproduces itself bit for bit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "backends/multigpu/communicator.hpp"
#include "core/error.hpp"

namespace gcn::multigpu {

// Thrown in the ranks that were waiting when another rank failed; run_ranks reports the
// original error instead.
class RanksAborted : public Error {
 public:
  RanksAborted() : Error("another simulated rank failed") {}
};

// What the ranks of one simulated group share: a barrier and each rank's posted buffers.
class InProcessGroup {
 public:
  explicit InProcessGroup(int ranks);
  int size() const { return ranks_; }
  // Fails the group: every rank waiting at the barrier, now or later, throws RanksAborted.
  void abort();

 private:
  friend class InProcessCommunicator;
  struct Posted {
    std::vector<SendBuffer> sends;  // current point-to-point group
    const void* data = nullptr;     // current collective's input
  };
  void arrive_and_wait();

  int ranks_;
  std::mutex mutex_;
  std::condition_variable released_;
  int waiting_ = 0;
  uint64_t generation_ = 0;
  bool aborted_ = false;
  std::vector<Posted> posted_;
};

class InProcessCommunicator final : public Communicator {
 public:
  InProcessCommunicator(InProcessGroup& group, int rank) : group_(&group), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return group_->size(); }
  void begin_exchange(std::span<const SendBuffer> sends, std::span<const RecvBuffer> recvs) override;
  void end_exchange() override;
  void all_gather(const float* send, int64_t count, float* recv) override;
  void reduce_scatter_sum(const float* send, int64_t count, float* recv) override;
  void all_reduce_sum(float* data, int64_t count) override;
  void all_reduce_sum(double* data, int64_t count) override;
  // Fails this rank's group (InProcessGroup::abort).
  void abort_group() { group_->abort(); }

 private:
  template <typename T>
  void all_reduce(T* data, int64_t count);

  InProcessGroup* group_;
  int rank_;
  bool exchange_in_flight_ = false;
  std::vector<RecvBuffer> pending_recvs_;
};

// Runs body(communicator) for ranks 0..ranks-1, one thread each, and waits for all. If any rank
// throws, the others are released and the first rank's own error is rethrown.
void run_ranks(int ranks, const std::function<void(Communicator&)>& body);

// run_ranks over communicators that outlive the call (one group, one per rank, in rank order):
// what a backend that keeps its ranks' models between calls runs each collective step with. After
// a rank failed, the group stays aborted: every later call throws RanksAborted.
void run_on_each_rank(std::vector<InProcessCommunicator>& communicators,
                      const std::function<void(Communicator&)>& body);

}  // namespace gcn::multigpu
