// What every cuda Backend computes with on its device: the stream, the cuBLAS handle with its
// fixed workspace, the own products' workspace, and the counter of the device memory it holds.
// Made once per backend; the one-GPU backend (backend.cu) and a rank of a multi-GPU run
// (rank_backend.cu) set their device up the same way through it.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"

namespace gcn::cuda {

class DeviceHandles {
 public:
  explicit DeviceHandles(int device);  // selects the device for this thread
  ~DeviceHandles();
  DeviceHandles(const DeviceHandles&) = delete;
  DeviceHandles& operator=(const DeviceHandles&) = delete;

  cudaStream_t stream() const { return stream_; }
  const DenseContext& dense() const { return dense_; }
  MemoryCounter& memory() { return mem_; }
  const MemoryCounter& memory() const { return mem_; }
  const std::string& device_name() const { return device_name_; }
  // Device memory free now (0 when it cannot be read).
  uint64_t free_bytes() const;

 private:
  std::string device_name_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  MemoryCounter mem_;
  DeviceArray<char> cublas_workspace_;
  DeviceArray<float> dense_workspace_;
  DenseContext dense_;
};

}  // namespace gcn::cuda
