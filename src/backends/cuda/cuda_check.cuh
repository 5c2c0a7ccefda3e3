// Every CUDA and cuBLAS call goes through these: a failure throws gcn::Error naming the call, the
// status and the source file:line.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "core/error.hpp"

namespace gcn::cuda {

inline void check_cuda(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw Error(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " + cudaGetErrorName(status) +
              " (" + cudaGetErrorString(status) + ")");
}

inline void check_cublas(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw Error(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " + cublasGetStatusName(status) +
              " (" + cublasGetStatusString(status) + ")");
}

}  // namespace gcn::cuda

#define GCN_CUDA_CHECK(call) ::gcn::cuda::check_cuda((call), #call, __FILE__, __LINE__)
#define GCN_CUBLAS_CHECK(call) ::gcn::cuda::check_cublas((call), #call, __FILE__, __LINE__)
// After every kernel launch: launch-configuration errors surface here, with the kernel's line.
#define GCN_CUDA_CHECK_LAUNCH(what) ::gcn::cuda::check_cuda(cudaGetLastError(), what, __FILE__, __LINE__)
