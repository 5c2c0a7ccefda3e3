#include "backends/multigpu/nccl/nccl_communicator.hpp"

#include <cuda_runtime.h>
#include <dlfcn.h>
#include <nccl.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "backends/cuda/cuda_check.cuh"
#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

static_assert(sizeof(ncclUniqueId) == std::tuple_size_v<NcclUniqueId>, "NcclUniqueId must hold an ncclUniqueId");

// The NCCL entry points used here, resolved from libnccl.so.2 once per process.
struct NcclApi {
  std::string error;  // why the library could not be used; empty when every symbol was found
  decltype(&ncclGetErrorString) get_error_string = nullptr;
  decltype(&ncclGetUniqueId) get_unique_id = nullptr;
  decltype(&ncclCommInitRank) comm_init_rank = nullptr;
  decltype(&ncclCommDestroy) comm_destroy = nullptr;
  decltype(&ncclAllGather) all_gather = nullptr;
  decltype(&ncclReduceScatter) reduce_scatter = nullptr;
  decltype(&ncclAllReduce) all_reduce = nullptr;
  decltype(&ncclSend) send = nullptr;
  decltype(&ncclRecv) recv = nullptr;
  decltype(&ncclGroupStart) group_start = nullptr;
  decltype(&ncclGroupEnd) group_end = nullptr;
};

template <typename F>
void resolve(void* library, const char* name, F& function, std::string& error) {
  function = reinterpret_cast<F>(dlsym(library, name));
  if (!function && error.empty()) error = std::string("libnccl.so.2 has no symbol ") + name;
}

const NcclApi& nccl() {
  static const NcclApi api = [] {
    NcclApi a;
    void* library = dlopen("libnccl.so.2", RTLD_NOW | RTLD_LOCAL);
    const char* dl_error = library ? nullptr : dlerror();
    const std::string why = dl_error ? dl_error : "not found";
#ifdef GCNBENCH_NCCL_LIBRARY
    // The library CMake found at build time, for machines whose loader does not know it.
    if (!library) library = dlopen(GCNBENCH_NCCL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
#endif
    if (!library) {
      a.error = "cannot load libnccl.so.2: " + why + " (install NCCL or add its lib directory to LD_LIBRARY_PATH)";
      return a;
    }
    resolve(library, "ncclGetErrorString", a.get_error_string, a.error);
    resolve(library, "ncclGetUniqueId", a.get_unique_id, a.error);
    resolve(library, "ncclCommInitRank", a.comm_init_rank, a.error);
    resolve(library, "ncclCommDestroy", a.comm_destroy, a.error);
    resolve(library, "ncclAllGather", a.all_gather, a.error);
    resolve(library, "ncclReduceScatter", a.reduce_scatter, a.error);
    resolve(library, "ncclAllReduce", a.all_reduce, a.error);
    resolve(library, "ncclSend", a.send, a.error);
    resolve(library, "ncclRecv", a.recv, a.error);
    resolve(library, "ncclGroupStart", a.group_start, a.error);
    resolve(library, "ncclGroupEnd", a.group_end, a.error);
    return a;  // the library stays loaded for the life of the process
  }();
  return api;
}

const NcclApi& require_nccl() {
  const NcclApi& api = nccl();
  if (!api.error.empty()) fail("NCCL communicator: " + api.error);
  return api;
}

void check_nccl(ncclResult_t status, const char* call, const char* file, int line) {
  if (status == ncclSuccess) return;
  throw Error(std::string(file) + ":" + std::to_string(line) + ": " + call +
              " failed: " + nccl().get_error_string(status));
}

// Like GCN_CUDA_CHECK (backends/cuda/cuda_check.cuh): the call, NCCL's message, file:line.
#define GCN_NCCL_CHECK(call) check_nccl((call), #call, __FILE__, __LINE__)

// NVLink multicast (NVLS) must stay off on shared hosts; NCCL reads this at initialization.
void disable_nvlink_multicast() { setenv("NCCL_NVLS_ENABLE", "0", 1); }

size_t count_of(int64_t count) {
  if (count < 0) fail("NCCL communicator: negative element count " + std::to_string(count));
  return static_cast<size_t>(count);
}

}  // namespace

struct NcclCommunicator::Handles {
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
};

std::string NcclCommunicator::unavailable_reason() { return nccl().error; }

NcclUniqueId NcclCommunicator::make_unique_id() {
  const NcclApi& api = require_nccl();
  disable_nvlink_multicast();
  ncclUniqueId id;
  GCN_NCCL_CHECK(api.get_unique_id(&id));
  NcclUniqueId bytes;
  std::memcpy(bytes.data(), &id, sizeof id);
  return bytes;
}

NcclCommunicator::NcclCommunicator(int rank, int size, const NcclUniqueId& id, int device)
    : handles_(std::make_unique<Handles>()), rank_(rank), size_(size) {
  const NcclApi& api = require_nccl();
  if (size < 1 || rank < 0 || rank >= size)
    fail("NCCL communicator: rank " + std::to_string(rank) + " of " + std::to_string(size) + " is not a valid rank");
  disable_nvlink_multicast();
  GCN_CUDA_CHECK(cudaSetDevice(device));
  GCN_CUDA_CHECK(cudaStreamCreateWithFlags(&handles_->stream, cudaStreamNonBlocking));
  ncclUniqueId nccl_id;
  std::memcpy(&nccl_id, id.data(), sizeof nccl_id);
  try {
    GCN_NCCL_CHECK(api.comm_init_rank(&handles_->comm, size, nccl_id, rank));
  } catch (...) {
    cudaStreamDestroy(handles_->stream);
    throw;
  }
}

NcclCommunicator::~NcclCommunicator() {
  // Destructors do not throw: a failure here leaves nothing to recover.
  if (handles_->stream) cudaStreamSynchronize(handles_->stream);
  if (handles_->comm) nccl().comm_destroy(handles_->comm);
  if (handles_->stream) cudaStreamDestroy(handles_->stream);
}

void NcclCommunicator::begin_exchange(std::span<const SendBuffer> sends, std::span<const RecvBuffer> recvs) {
  if (exchange_in_flight_) fail("NCCL communicator: begin_exchange while another exchange is in flight");
  for (const SendBuffer& s : sends)
    if (s.peer < 0 || s.peer >= size_ || s.peer == rank_)
      fail("NCCL communicator: rank " + std::to_string(rank_) + " sends to invalid peer " + std::to_string(s.peer));
  for (const RecvBuffer& r : recvs)
    if (r.peer < 0 || r.peer >= size_ || r.peer == rank_)
      fail("NCCL communicator: rank " + std::to_string(rank_) + " receives from invalid peer " +
           std::to_string(r.peer));
  const NcclApi& api = nccl();
  GCN_NCCL_CHECK(api.group_start());
  for (const SendBuffer& s : sends) {
    GCN_NCCL_CHECK(api.send(s.data, count_of(s.count), ncclFloat32, s.peer, handles_->comm, handles_->stream));
    stats_.point_to_point_bytes += s.count * static_cast<int64_t>(sizeof(float));
  }
  for (const RecvBuffer& r : recvs)
    GCN_NCCL_CHECK(api.recv(r.data, count_of(r.count), ncclFloat32, r.peer, handles_->comm, handles_->stream));
  GCN_NCCL_CHECK(api.group_end());
  exchange_in_flight_ = true;
}

void NcclCommunicator::end_exchange() {
  if (!exchange_in_flight_) fail("NCCL communicator: end_exchange without begin_exchange");
  exchange_in_flight_ = false;
  GCN_CUDA_CHECK(cudaStreamSynchronize(handles_->stream));
}

void NcclCommunicator::all_gather(const float* send, int64_t count, float* recv) {
  stats_.gather_bytes += (size_ - 1) * count * static_cast<int64_t>(sizeof(float));
  GCN_NCCL_CHECK(nccl().all_gather(send, recv, count_of(count), ncclFloat32, handles_->comm, handles_->stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(handles_->stream));
}

void NcclCommunicator::reduce_scatter_sum(const float* send, int64_t count, float* recv) {
  stats_.gather_bytes += (size_ - 1) * count * static_cast<int64_t>(sizeof(float));
  GCN_NCCL_CHECK(
      nccl().reduce_scatter(send, recv, count_of(count), ncclFloat32, ncclSum, handles_->comm, handles_->stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(handles_->stream));
}

void NcclCommunicator::all_reduce_sum(float* data, int64_t count) {
  stats_.all_reduce_bytes += count * static_cast<int64_t>(sizeof(float));
  GCN_NCCL_CHECK(
      nccl().all_reduce(data, data, count_of(count), ncclFloat32, ncclSum, handles_->comm, handles_->stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(handles_->stream));
}

void NcclCommunicator::all_reduce_sum(double* data, int64_t count) {
  stats_.all_reduce_bytes += count * static_cast<int64_t>(sizeof(double));
  GCN_NCCL_CHECK(
      nccl().all_reduce(data, data, count_of(count), ncclFloat64, ncclSum, handles_->comm, handles_->stream));
  GCN_CUDA_CHECK(cudaStreamSynchronize(handles_->stream));
}

}  // namespace gcn::multigpu
