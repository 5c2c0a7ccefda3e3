// Backend `cpu`: the optimized CPU GCN (gcn.hpp) behind the host backends' adapter
// (host_backend.hpp), with the vectorized Adam update.
#include "backends/cpu/backend.hpp"

#include <optional>
#include <string>
#include <utility>

#include "backends/cpu/gcn.hpp"
#include "backends/host_backend.hpp"
#include "core/cpu_name.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

class CpuBackend final : public HostBackend<cpu::CpuGcn> {
 public:
  explicit CpuBackend(const BackendOptions& options)
      : HostBackend("cpu", cpu::adam_update), requested_threads_(options.threads) {
    if (options.threads < 0) fail("--threads must be 0 (all cores) or positive");
    threads_ = cpu::set_threads(requested_threads_);
  }

  BackendInfo info() const override {
    BackendInfo info;
    info.name = "cpu";
    info.device = cpu_device_name(threads_);
    info.threads = threads_;
    return info;
  }

 private:
  // Every call sets the team size again: another backend in the same process (the tests run
  // several) may have changed OpenMP's and OpenBLAS's.
  void before_compute() override { threads_ = cpu::set_threads(requested_threads_); }

  int requested_threads_ = 0, threads_ = 1;
};

}  // namespace

std::string cpu_device_name(int threads) {
  const std::string cpu = host_cpu_name();
  return (cpu.empty() ? "host CPU" : cpu) + " (" + std::to_string(threads) + " threads, " + cpu::blas_description() + ")";
}

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options) {
  return std::make_unique<CpuBackend>(options);
}

}  // namespace gcn
