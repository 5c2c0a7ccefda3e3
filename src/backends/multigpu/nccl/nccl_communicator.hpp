// The Communicator of one GPU rank over NCCL: what multi-GPU training runs on, one process per
// GPU. Every buffer passed to it is device memory on this rank's device.
//
// Built only when CMake finds CUDA and nccl.h (GCNBENCH_HAVE_NCCL). The library itself,
// libnccl.so.2, is loaded at run time: a binary built here still starts on a machine without
// NCCL, where unavailable_reason() says why, instead of failing to load at all.
//
// Every call blocks the host until its transfers are done (like InProcessCommunicator), except
// begin_exchange, which only enqueues its group on this communicator's stream; end_exchange
// waits for it. The training step's overlap (interior SpMM while the halo is in flight) comes
// from that split. Unlike the in-process transport, NCCL does not promise to add the ranks'
// contributions in rank order, so P-rank sums may differ from the simulation's in the last bit.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "backends/multigpu/communicator.hpp"

namespace gcn::multigpu {

// ncclUniqueId's bytes (NCCL_UNIQUE_ID_BYTES), so that users of this header need no nccl.h.
using NcclUniqueId = std::array<char, 128>;

class NcclCommunicator final : public Communicator {
 public:
  // Empty when NCCL can be used in this process; otherwise why not (libnccl.so.2 not found, a
  // symbol missing).
  static std::string unavailable_reason();
  // A new group's id: rank 0 makes it and hands the bytes to the other ranks (pipe, MPI_Bcast).
  static NcclUniqueId make_unique_id();

  // Joins the group `id` as `rank` of `size` on CUDA device `device`; blocks until every rank
  // has joined. Sets NCCL_NVLS_ENABLE=0 in this process first: NVLink multicast must stay off
  // on shared hosts, whatever the environment says.
  NcclCommunicator(int rank, int size, const NcclUniqueId& id, int device);
  ~NcclCommunicator() override;
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void begin_exchange(std::span<const SendBuffer> sends, std::span<const RecvBuffer> recvs) override;
  void end_exchange() override;
  void all_gather(const float* send, int64_t count, float* recv) override;
  void reduce_scatter_sum(const float* send, int64_t count, float* recv) override;
  void all_reduce_sum(float* data, int64_t count) override;
  void all_reduce_sum(double* data, int64_t count) override;

 private:
  struct Handles;  // the NCCL communicator and the CUDA stream, kept out of this header
  std::unique_ptr<Handles> handles_;
  int rank_, size_;
  bool exchange_in_flight_ = false;
};

}  // namespace gcn::multigpu
