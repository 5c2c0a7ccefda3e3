// The cuda backend is built as a module of its own (libgcnbench_cuda.so beside the gcnbench
// binary) that cuda_loader.cpp opens on first use: linked into gcnbench itself, cuBLAS made every
// process, cpu runs and `--help` too, map and initialize ~200 MB at start-up, which every peak
// RSS gcnbench reported then carried. These are the module's only exported symbols, looked up
// by name. Plain C++ header: both g++ (the loader) and nvcc (the module) include it.
#pragma once

#include <string>

#include "backends/backend.hpp"
#include "backends/op_runner.hpp"

#define GCNBENCH_CUDA_EXPORT extern "C" __attribute__((visibility("default")))

// A new cuda backend with `options`; the caller owns it. Throws gcn::Error as the backend does.
GCNBENCH_CUDA_EXPORT gcn::Backend* gcnbench_cuda_make_backend(const gcn::BackendOptions* options);
// One op of the vocabulary prepared on the GPU (backends/op_runner.hpp); the caller owns it.
GCNBENCH_CUDA_EXPORT gcn::PreparedOp* gcnbench_cuda_prepare_op(const gcn::OpInputs* inputs,
                                                               const gcn::BackendOptions* options);
// *reason = empty when a usable CUDA device is present, else why not. Never throws.
GCNBENCH_CUDA_EXPORT void gcnbench_cuda_unavailable_reason(std::string* reason);

// The names the loader looks up: the same as the functions above.
constexpr const char* kCudaModuleFile = "libgcnbench_cuda.so";
constexpr const char* kCudaMakeBackendSymbol = "gcnbench_cuda_make_backend";
constexpr const char* kCudaUnavailableReasonSymbol = "gcnbench_cuda_unavailable_reason";
constexpr const char* kCudaPrepareOpSymbol = "gcnbench_cuda_prepare_op";
