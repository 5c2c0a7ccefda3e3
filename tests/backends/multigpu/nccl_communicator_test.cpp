// The NCCL communicator on one GPU (world size 1): the multi-GPU code path's transport, run where
// only one GPU is available. With one rank every collective is an identity (the gather and the
// sums hold this rank's data alone), which is exactly what makes wrong counts, types, buffer
// directions or stream handling visible. Skips, saying why, without CUDA, nccl.h at build time,
// a GPU or libnccl.so.2.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/error.hpp"

#if GCNBENCH_HAVE_NCCL
#include <cuda_runtime.h>

#include "backends/cuda/backend.hpp"
#include "backends/multigpu/nccl/nccl_communicator.hpp"
#endif

namespace gcn::multigpu {
namespace {

#if GCNBENCH_HAVE_NCCL

// A device buffer for the test: filled from and read back to host vectors.
template <typename T>
class DeviceVector {
 public:
  explicit DeviceVector(const std::vector<T>& host) : size_(host.size()) {
    if (cudaMalloc(&data_, bytes()) != cudaSuccess) throw Error("cudaMalloc failed in the NCCL test");
    cudaMemcpy(data_, host.data(), bytes(), cudaMemcpyHostToDevice);
  }
  ~DeviceVector() { cudaFree(data_); }
  DeviceVector(const DeviceVector&) = delete;
  DeviceVector& operator=(const DeviceVector&) = delete;
  T* data() { return data_; }
  std::vector<T> host() const {
    std::vector<T> out(size_);
    cudaMemcpy(out.data(), data_, bytes(), cudaMemcpyDeviceToHost);
    return out;
  }

 private:
  size_t bytes() const { return size_ * sizeof(T); }
  T* data_ = nullptr;
  size_t size_;
};

#define SKIP_WITHOUT_NCCL_GPU()                                           \
  do {                                                                    \
    const std::string no_gpu = cuda_unavailable_reason();                 \
    if (!no_gpu.empty()) GTEST_SKIP() << "no usable GPU: " << no_gpu;     \
    const std::string no_nccl = NcclCommunicator::unavailable_reason();   \
    if (!no_nccl.empty()) GTEST_SKIP() << "NCCL not usable: " << no_nccl; \
  } while (0)

TEST(NcclCommunicator, WorldOfOneRunsEveryCollective) {
  SKIP_WITHOUT_NCCL_GPU();
  setenv("NCCL_NVLS_ENABLE", "1", 1);  // the communicator must override an inherited value
  NcclCommunicator comm(0, 1, NcclCommunicator::make_unique_id(), 0);
  ASSERT_NE(std::getenv("NCCL_NVLS_ENABLE"), nullptr);
  EXPECT_STREQ(std::getenv("NCCL_NVLS_ENABLE"), "0");
  EXPECT_EQ(comm.rank(), 0);
  EXPECT_EQ(comm.size(), 1);

  const std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
  const auto n = static_cast<int64_t>(values.size());
  {
    DeviceVector<float> send(values), recv(std::vector<float>(values.size(), -1.0f));
    comm.all_gather(send.data(), n, recv.data());
    EXPECT_EQ(recv.host(), values);
  }
  {
    DeviceVector<float> send(values), recv(std::vector<float>(values.size(), -1.0f));
    comm.reduce_scatter_sum(send.data(), n, recv.data());
    EXPECT_EQ(recv.host(), values);
  }
  {
    DeviceVector<float> data(values);
    comm.all_reduce_sum(data.data(), n);
    EXPECT_EQ(data.host(), values);
  }
  {
    const std::vector<double> sums = {64.0, 0.1, -3.0};
    DeviceVector<double> data(sums);
    comm.all_reduce_sum(data.data(), static_cast<int64_t>(sums.size()));
    EXPECT_EQ(data.host(), sums);
  }
  // A rank with no peers exchanges nothing: an empty group must still begin and end.
  comm.begin_exchange({}, {});
  comm.end_exchange();

  EXPECT_EQ(comm.stats().point_to_point_bytes, 0);
  EXPECT_EQ(comm.stats().gather_bytes, 0);  // (size - 1) x count: nothing leaves a lone rank
  EXPECT_EQ(comm.stats().all_reduce_bytes, static_cast<int64_t>(values.size() * sizeof(float) + 3 * sizeof(double)));
}

TEST(NcclCommunicator, RefusesInvalidPeersAndUnbalancedExchanges) {
  SKIP_WITHOUT_NCCL_GPU();
  NcclCommunicator comm(0, 1, NcclCommunicator::make_unique_id(), 0);
  DeviceVector<float> buffer(std::vector<float>(4, 0.0f));
  const SendBuffer to_self{0, buffer.data(), 4};
  EXPECT_THROW(comm.begin_exchange({&to_self, 1}, {}), Error);
  const RecvBuffer from_nowhere{3, buffer.data(), 4};
  EXPECT_THROW(comm.begin_exchange({}, {&from_nowhere, 1}), Error);
  EXPECT_THROW(comm.end_exchange(), Error);  // nothing in flight
  comm.begin_exchange({}, {});
  EXPECT_THROW(comm.begin_exchange({}, {}), Error);  // one group at a time
  comm.end_exchange();
  EXPECT_THROW(NcclCommunicator(1, 1, NcclCommunicator::make_unique_id(), 0), Error);
}

#else

TEST(NcclCommunicator, WorldOfOneRunsEveryCollective) {
  GTEST_SKIP() << "built without the NCCL communicator (needs CUDA and nccl.h at configure time)";
}

#endif

}  // namespace
}  // namespace gcn::multigpu
