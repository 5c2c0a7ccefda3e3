#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/dense_layout.hpp"
#include "backends/cuda/device_handles.cuh"

namespace gcn::cuda {

DeviceHandles::DeviceHandles(int device) {
  GCN_CUDA_CHECK(cudaSetDevice(device));
  cudaDeviceProp prop{};
  GCN_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  device_name_ = prop.name;
  GCN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  GCN_CUBLAS_CHECK(cublasCreate(&cublas_));
  GCN_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
  GCN_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));  // fp32 FMA, no TF32
  GCN_CUBLAS_CHECK(cublasSetPointerMode(cublas_, CUBLAS_POINTER_MODE_HOST));
  // A fixed workspace: cuBLAS then allocates nothing while an epoch is being captured.
  cublas_workspace_.allocate(mem_, 32 << 20, "cuBLAS workspace");
  GCN_CUBLAS_CHECK(cublasSetWorkspace(cublas_, cublas_workspace_.get(), 32 << 20));
  dense_workspace_.allocate(mem_, kDenseWorkspaceFloats, "product workspace");
  dense_.cublas = cublas_;
  dense_.stream = stream_;
  dense_.workspace = dense_workspace_.get();
  dense_.workspace_floats = kDenseWorkspaceFloats;
  dense_.own_kernels = own_dense_kernels_enabled();
}

DeviceHandles::~DeviceHandles() {
  if (cublas_) cublasDestroy(cublas_);
  if (stream_) cudaStreamDestroy(stream_);
}

uint64_t DeviceHandles::free_bytes() const {
  size_t free_bytes = 0, total_bytes = 0;
  return cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess ? free_bytes : 0;
}

}  // namespace gcn::cuda
