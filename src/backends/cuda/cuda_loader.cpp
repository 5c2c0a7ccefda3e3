// Opens the cuda backend's module (cuda_module.hpp) once, from the directory of the running
// binary, and forwards to its entry points. The module is never closed: backends it made
// may live until exit, and their code is in it.
#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "backends/cuda/backend.hpp"
#include "backends/cuda/cuda_module.hpp"
#include "core/error.hpp"
#include "core/install_layout.hpp"

namespace gcn {
namespace {

struct CudaModule {
  decltype(&gcnbench_cuda_make_backend) make_backend = nullptr;
  decltype(&gcnbench_cuda_unavailable_reason) unavailable_reason = nullptr;
  decltype(&gcnbench_cuda_prepare_op) prepare_op = nullptr;
  std::string load_error;  // empty when both entry points were found
};

std::filesystem::path module_path() { return cuda_module_path(kCudaModuleFile); }

const CudaModule& cuda_module() {
  static CudaModule module;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string path = module_path().string();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      module.load_error = "the cuda backend's module " + path + " could not be loaded: " + (why ? why : "dlopen failed");
      return;
    }
    module.make_backend = reinterpret_cast<decltype(module.make_backend)>(dlsym(handle, kCudaMakeBackendSymbol));
    module.unavailable_reason =
        reinterpret_cast<decltype(module.unavailable_reason)>(dlsym(handle, kCudaUnavailableReasonSymbol));
    module.prepare_op = reinterpret_cast<decltype(module.prepare_op)>(dlsym(handle, kCudaPrepareOpSymbol));
    if (!module.make_backend || !module.unavailable_reason || !module.prepare_op)
      module.load_error = "the cuda backend's module " + path + " lacks its entry points (" + kCudaMakeBackendSymbol +
                          ", " + kCudaUnavailableReasonSymbol + ", " +
                          kCudaPrepareOpSymbol + "): built from other sources?";
  });
  return module;
}

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& options) {
  const CudaModule& module = cuda_module();
  if (!module.load_error.empty()) fail(module.load_error);
  return std::unique_ptr<Backend>(module.make_backend(&options));
}

std::unique_ptr<PreparedOp> cuda_prepare_op(const OpInputs& inputs, const BackendOptions& options) {
  const CudaModule& module = cuda_module();
  if (!module.load_error.empty()) fail(module.load_error);
  return std::unique_ptr<PreparedOp>(module.prepare_op(&inputs, &options));
}

std::string cuda_unavailable_reason() {
  const CudaModule& module = cuda_module();
  if (!module.load_error.empty()) return module.load_error;
  std::string reason;
  module.unavailable_reason(&reason);
  return reason;
}

}  // namespace gcn
