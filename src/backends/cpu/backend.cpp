// Backend `cpu`: the optimized CPU GCN (gcn.hpp) behind the host backends' adapter
// (host_backend.hpp), with the vectorized Adam update.
#include "backends/cpu/backend.hpp"

#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "backends/cpu/gcn.hpp"
#include "backends/host_backend.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "host CPU";
}

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
    info.device = cpu_model_name() + " (" + std::to_string(threads_) + " threads, " + cpu::blas_description() + ")";
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

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options) {
  return std::make_unique<CpuBackend>(options);
}

}  // namespace gcn
