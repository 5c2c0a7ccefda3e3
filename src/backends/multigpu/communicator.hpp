// The only way ranks talk to each other during distributed training. Small on purpose: the
// training step (gcn.cpp) is written once against it, and each transport implements it:
// InProcessCommunicator (P simulated ranks as threads of one process; the CPU tests) and
// NcclCommunicator (one process per GPU; src/backends/multigpu/nccl/).
//
// Every call is collective over the ranks involved: all ranks make the same sequence of calls
// with matching sizes, as with NCCL. Buffers live where the transport works: host memory for
// InProcessCommunicator, device memory for NcclCommunicator. The training step of this version
// (gcn.cpp) computes on the host with cpu-ref's kernels, so it runs over the in-process
// transport only; the NCCL one is tested on its own (tests/backends/multigpu/nccl_communicator_test.cpp).
#pragma once

#include <cstdint>
#include <span>

namespace gcn::multigpu {

struct SendBuffer {
  int peer;
  const float* data;
  int64_t count;  // floats
};

struct RecvBuffer {
  int peer;
  float* data;
  int64_t count;  // floats; must equal what `peer` sends to this rank
};

// Bytes this rank sent, by kind, for the communication-volume report and its tests.
struct CommStats {
  int64_t point_to_point_bytes = 0;  // halo exchange (forward rows and backward gradients)
  int64_t gather_bytes = 0;          // all-gather / reduce-scatter mode, padded blocks included
  int64_t all_reduce_bytes = 0;      // gradients and metrics (payload size, not the ring's traffic)
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // One group of point-to-point transfers (ncclGroupStart; ncclSend/ncclRecv...; ncclGroupEnd).
  // begin returns as soon as the transfers are under way, so the caller can compute on data
  // that does not depend on them; end waits for them. Send buffers must stay untouched and
  // receive buffers unread until end returns. At most one group in flight per rank.
  virtual void begin_exchange(std::span<const SendBuffer> sends, std::span<const RecvBuffer> recvs) = 0;
  virtual void end_exchange() = 0;

  // recv (size() * count floats) = every rank's `count` floats, in rank order.
  virtual void all_gather(const float* send, int64_t count, float* recv) = 0;
  // recv (count floats) = sum over ranks of block rank() of their send (size() * count floats).
  virtual void reduce_scatter_sum(const float* send, int64_t count, float* recv) = 0;
  // In place; every rank ends with the same sum.
  virtual void all_reduce_sum(float* data, int64_t count) = 0;
  virtual void all_reduce_sum(double* data, int64_t count) = 0;

  const CommStats& stats() const { return stats_; }

 protected:
  CommStats stats_;
};

}  // namespace gcn::multigpu
