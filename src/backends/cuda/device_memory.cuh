// Device allocations of the cuda backend, counted so that BackendInfo.peak_device_bytes is the
// high-water mark of what the backend itself holds (cuBLAS workspace included).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "backends/cuda/cuda_check.cuh"

namespace gcn::cuda {

struct MemoryCounter {
  uint64_t current = 0, peak = 0;
  void add(uint64_t bytes) {
    current += bytes;
    if (current > peak) peak = current;
  }
  void remove(uint64_t bytes) { current -= bytes; }
};

template <typename T>
class DeviceArray {
 public:
  DeviceArray() = default;
  DeviceArray(MemoryCounter& counter, int64_t count, const char* what) { allocate(counter, count, what); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& o) noexcept { *this = std::move(o); }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
      counter_ = std::exchange(o.counter_, nullptr);
    }
    return *this;
  }
  ~DeviceArray() { release(); }

  void allocate(MemoryCounter& counter, int64_t count, const char* what) {
    release();
    if (count <= 0) return;
    const size_t bytes = static_cast<size_t>(count) * sizeof(T);
    size_t free_bytes = 0, total_bytes = 0;
    GCN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    if (bytes > free_bytes)
      fail(std::string("cuda: ") + what + " needs " + std::to_string(bytes) + " bytes of device memory but only " +
           std::to_string(free_bytes) + " are free");
    void* p = nullptr;
    const cudaError_t status = cudaMalloc(&p, bytes);
    if (status != cudaSuccess) {
      cudaGetLastError();
      fail(std::string("cuda: cudaMalloc of ") + std::to_string(bytes) + " bytes for " + what +
           " failed: " + cudaGetErrorName(status));
    }
    ptr_ = static_cast<T*>(p);
    count_ = count;
    counter_ = &counter;
    counter.add(bytes);
  }
  void upload(const T* host, int64_t count, cudaStream_t stream) {
    if (count > count_) fail("cuda: upload larger than its buffer");
    if (count > 0) GCN_CUDA_CHECK(cudaMemcpyAsync(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream));
  }
  void upload(MemoryCounter& counter, const std::vector<T>& host, const char* what, cudaStream_t stream) {
    allocate(counter, static_cast<int64_t>(host.size()), what);
    upload(host.data(), static_cast<int64_t>(host.size()), stream);
  }
  T* get() const { return ptr_; }
  int64_t size() const { return count_; }

 private:
  void release() {
    if (!ptr_) return;
    cudaFree(ptr_);  // never throws from a destructor; an error here would be sticky anyway
    counter_->remove(static_cast<uint64_t>(count_) * sizeof(T));
    ptr_ = nullptr;
    count_ = 0;
  }
  T* ptr_ = nullptr;
  int64_t count_ = 0;
  MemoryCounter* counter_ = nullptr;
};

}  // namespace gcn::cuda
