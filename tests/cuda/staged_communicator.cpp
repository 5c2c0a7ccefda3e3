#ifdef GCNBENCH_HAVE_CUDA

#include "cuda/staged_communicator.hpp"

#include <cuda_runtime.h>

#include <string>

#include "core/error.hpp"

namespace gcn::cuda_test {
namespace {

void copy(void* to, const void* from, int64_t bytes, cudaMemcpyKind kind) {
  if (bytes == 0) return;
  if (cudaMemcpy(to, from, static_cast<size_t>(bytes), kind) != cudaSuccess)
    fail("staged communicator: cudaMemcpy failed");
}

template <typename T>
std::vector<T> to_host(const T* device, int64_t count) {
  std::vector<T> host(static_cast<size_t>(count));
  copy(host.data(), device, count * static_cast<int64_t>(sizeof(T)), cudaMemcpyDeviceToHost);
  return host;
}

// cudaMemcpy from pageable memory may return before the data has landed on the device, and the
// ranks read it on non-blocking streams that do not wait for the legacy stream: wait for it here.
template <typename T>
void to_device(T* device, const std::vector<T>& host) {
  copy(device, host.data(), static_cast<int64_t>(host.size() * sizeof(T)), cudaMemcpyHostToDevice);
  if (cudaDeviceSynchronize() != cudaSuccess) fail("staged communicator: cudaDeviceSynchronize failed");
}

}  // namespace

void StagedCommunicator::begin_exchange(std::span<const multigpu::SendBuffer> sends,
                                        std::span<const multigpu::RecvBuffer> recvs) {
  send_copies_.clear();
  recv_copies_.clear();
  device_recvs_.assign(recvs.begin(), recvs.end());
  std::vector<multigpu::SendBuffer> host_sends;
  std::vector<multigpu::RecvBuffer> host_recvs;
  for (const auto& s : sends) send_copies_.push_back(to_host(s.data, s.count));
  for (const auto& r : recvs) recv_copies_.emplace_back(static_cast<size_t>(r.count));
  for (size_t i = 0; i < sends.size(); ++i)
    host_sends.push_back({sends[i].peer, send_copies_[i].data(), sends[i].count});
  for (size_t i = 0; i < recvs.size(); ++i)
    host_recvs.push_back({recvs[i].peer, recv_copies_[i].data(), recvs[i].count});
  host_->begin_exchange(host_sends, host_recvs);
}

void StagedCommunicator::end_exchange() {
  host_->end_exchange();
  for (size_t i = 0; i < device_recvs_.size(); ++i) to_device(device_recvs_[i].data, recv_copies_[i]);
}

void StagedCommunicator::all_gather(const float* send, int64_t count, float* recv) {
  const std::vector<float> in = to_host(send, count);
  std::vector<float> out(static_cast<size_t>(count * size()));
  host_->all_gather(in.data(), count, out.data());
  to_device(recv, out);
}

void StagedCommunicator::reduce_scatter_sum(const float* send, int64_t count, float* recv) {
  const std::vector<float> in = to_host(send, count * size());
  std::vector<float> out(static_cast<size_t>(count));
  host_->reduce_scatter_sum(in.data(), count, out.data());
  to_device(recv, out);
}

void StagedCommunicator::all_reduce_sum(float* data, int64_t count) {
  std::vector<float> host = to_host(data, count);
  host_->all_reduce_sum(host.data(), count);
  to_device(data, host);
}

void StagedCommunicator::all_reduce_sum(double* data, int64_t count) {
  std::vector<double> host = to_host(data, count);
  host_->all_reduce_sum(host.data(), count);
  to_device(data, host);
}

}  // namespace gcn::cuda_test

#endif  // GCNBENCH_HAVE_CUDA
