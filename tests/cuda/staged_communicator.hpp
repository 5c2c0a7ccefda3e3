// P ranks of a multi-GPU run as threads of one process on one GPU: the in-process transport
// (host memory) behind a Communicator whose buffers are device memory, as NCCL's are. Every
// call copies the device buffers to the host, runs the in-process call and copies the results
// back. What lets the device training step be tested with more than one rank where there is one
// GPU (NCCL refuses two ranks on one device).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "backends/multigpu/communicator.hpp"
#include "backends/multigpu/in_process_communicator.hpp"

namespace gcn::cuda_test {

class StagedCommunicator final : public multigpu::Communicator {
 public:
  explicit StagedCommunicator(multigpu::Communicator& host) : host_(&host) {}
  int rank() const override { return host_->rank(); }
  int size() const override { return host_->size(); }
  void begin_exchange(std::span<const multigpu::SendBuffer> sends,
                      std::span<const multigpu::RecvBuffer> recvs) override;
  void end_exchange() override;
  void all_gather(const float* send, int64_t count, float* recv) override;
  void reduce_scatter_sum(const float* send, int64_t count, float* recv) override;
  void all_reduce_sum(float* data, int64_t count) override;
  void all_reduce_sum(double* data, int64_t count) override;

 private:
  multigpu::Communicator* host_;
  std::vector<std::vector<float>> send_copies_, recv_copies_;
  std::vector<multigpu::RecvBuffer> device_recvs_;
};

}  // namespace gcn::cuda_test
