// Backend `cpu-ref`: the reference GCN in float, one thread. Slow on purpose; it is the oracle.
#include "backends/cpu_ref/backend.hpp"

#include "backends/cpu_ref/gcn.hpp"
#include "backends/host_backend.hpp"

namespace gcn {
namespace {

class CpuRefBackend final : public HostBackend<ref::ReferenceGcn<float>> {
 public:
  CpuRefBackend() : HostBackend("cpu-ref", ref::adam_update<float>) {}

  BackendInfo info() const override { return {"cpu-ref", "host CPU, 1 thread (plain loops)", 1, 0}; }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_ref_backend(const BackendOptions&) { return std::make_unique<CpuRefBackend>(); }

}  // namespace gcn
