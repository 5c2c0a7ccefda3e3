#include "backends/multigpu/in_process_communicator.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <thread>

namespace gcn::multigpu {

InProcessGroup::InProcessGroup(int ranks) : ranks_(ranks), posted_(static_cast<size_t>(std::max(ranks, 0))) {
  if (ranks < 1) fail("in-process communicator: at least one rank is needed, got " + std::to_string(ranks));
}

void InProcessGroup::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  released_.notify_all();
}

void InProcessGroup::arrive_and_wait() {
  std::unique_lock lock(mutex_);
  if (aborted_) throw RanksAborted();
  const uint64_t generation = generation_;
  if (++waiting_ == ranks_) {
    waiting_ = 0;
    ++generation_;
    released_.notify_all();
    return;
  }
  released_.wait(lock, [&] { return generation_ != generation || aborted_; });
  if (generation_ == generation) throw RanksAborted();
}

void InProcessCommunicator::begin_exchange(std::span<const SendBuffer> sends, std::span<const RecvBuffer> recvs) {
  if (exchange_in_flight_) fail("in-process communicator: begin_exchange while another exchange is in flight");
  for (const SendBuffer& s : sends) {
    if (s.peer < 0 || s.peer >= size() || s.peer == rank_)
      fail("in-process communicator: rank " + std::to_string(rank_) + " sends to invalid peer " +
           std::to_string(s.peer));
    stats_.point_to_point_bytes += s.count * static_cast<int64_t>(sizeof(float));
  }
  // Only this rank writes its slot, and nobody reads it before the barrier in end_exchange.
  group_->posted_[static_cast<size_t>(rank_)].sends.assign(sends.begin(), sends.end());
  pending_recvs_.assign(recvs.begin(), recvs.end());
  exchange_in_flight_ = true;
}

void InProcessCommunicator::end_exchange() {
  if (!exchange_in_flight_) fail("in-process communicator: end_exchange without begin_exchange");
  exchange_in_flight_ = false;
  group_->arrive_and_wait();  // every rank has posted its sends
  int64_t matched = 0;
  for (const RecvBuffer& r : pending_recvs_) {
    if (r.peer < 0 || r.peer >= size() || r.peer == rank_)
      fail("in-process communicator: rank " + std::to_string(rank_) + " receives from invalid peer " +
           std::to_string(r.peer));
    const auto& their_sends = group_->posted_[static_cast<size_t>(r.peer)].sends;
    const auto it =
        std::find_if(their_sends.begin(), their_sends.end(), [&](const SendBuffer& s) { return s.peer == rank_; });
    if (it == their_sends.end() || it->count != r.count)
      fail("in-process communicator: rank " + std::to_string(rank_) + " expects " + std::to_string(r.count) +
           " floats from rank " + std::to_string(r.peer) + ", which sends " +
           (it == their_sends.end() ? std::string("none") : std::to_string(it->count)));
    std::copy(it->data, it->data + r.count, r.data);
    ++matched;
  }
  int64_t addressed = 0;
  for (int q = 0; q < size(); ++q)
    if (q != rank_)
      for (const SendBuffer& s : group_->posted_[static_cast<size_t>(q)].sends) addressed += s.peer == rank_;
  if (addressed != matched)
    fail("in-process communicator: rank " + std::to_string(rank_) + " was sent " + std::to_string(addressed) +
         " buffers but posted " + std::to_string(matched) + " receives");
  group_->arrive_and_wait();  // every rank has copied out; the send buffers may be reused
}

void InProcessCommunicator::all_gather(const float* send, int64_t count, float* recv) {
  stats_.gather_bytes += (size() - 1) * count * static_cast<int64_t>(sizeof(float));
  group_->posted_[static_cast<size_t>(rank_)].data = send;
  group_->arrive_and_wait();
  for (int q = 0; q < size(); ++q) {
    const auto* block = static_cast<const float*>(group_->posted_[static_cast<size_t>(q)].data);
    std::copy(block, block + count, recv + q * count);
  }
  group_->arrive_and_wait();
}

void InProcessCommunicator::reduce_scatter_sum(const float* send, int64_t count, float* recv) {
  stats_.gather_bytes += (size() - 1) * count * static_cast<int64_t>(sizeof(float));
  group_->posted_[static_cast<size_t>(rank_)].data = send;
  group_->arrive_and_wait();
  std::fill(recv, recv + count, 0.0f);
  for (int q = 0; q < size(); ++q) {
    const auto* block = static_cast<const float*>(group_->posted_[static_cast<size_t>(q)].data) + rank_ * count;
    for (int64_t i = 0; i < count; ++i) recv[i] += block[i];
  }
  group_->arrive_and_wait();
}

template <typename T>
void InProcessCommunicator::all_reduce(T* data, int64_t count) {
  stats_.all_reduce_bytes += count * static_cast<int64_t>(sizeof(T));
  group_->posted_[static_cast<size_t>(rank_)].data = data;
  group_->arrive_and_wait();
  // Sum into a private buffer first: the others are still reading our `data`.
  std::vector<T> sum(static_cast<size_t>(count), T(0));
  for (int q = 0; q < size(); ++q) {
    const auto* part = static_cast<const T*>(group_->posted_[static_cast<size_t>(q)].data);
    for (int64_t i = 0; i < count; ++i) sum[static_cast<size_t>(i)] += part[i];
  }
  group_->arrive_and_wait();
  std::copy(sum.begin(), sum.end(), data);
}

void InProcessCommunicator::all_reduce_sum(float* data, int64_t count) { all_reduce(data, count); }
void InProcessCommunicator::all_reduce_sum(double* data, int64_t count) { all_reduce(data, count); }

void run_on_each_rank(std::vector<InProcessCommunicator>& communicators,
                      const std::function<void(Communicator&)>& body) {
  const size_t ranks = communicators.size();
  std::vector<std::exception_ptr> errors(ranks);
  std::vector<std::thread> threads;
  threads.reserve(ranks);
  for (size_t r = 0; r < ranks; ++r) {
    threads.emplace_back([&, r] {
      try {
        body(communicators[r]);
      } catch (...) {
        errors[r] = std::current_exception();
        communicators[r].abort_group();
      }
    });
  }
  for (auto& t : threads) t.join();
  std::exception_ptr aborted;
  for (const auto& error : errors) {
    if (!error) continue;
    try {
      std::rethrow_exception(error);
    } catch (const RanksAborted&) {
      aborted = error;
    } catch (...) {
      throw;  // the first rank's own failure
    }
  }
  if (aborted) std::rethrow_exception(aborted);
}

void run_ranks(int ranks, const std::function<void(Communicator&)>& body) {
  InProcessGroup group(ranks);
  std::vector<InProcessCommunicator> communicators;
  communicators.reserve(static_cast<size_t>(ranks));
  for (int r = 0; r < ranks; ++r) communicators.emplace_back(group, r);
  run_on_each_rank(communicators, body);
}

}  // namespace gcn::multigpu
