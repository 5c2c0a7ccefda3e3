// The one list of backends. Adding a backend = a folder under src/backends plus one line here.
#include <algorithm>
#include <functional>

#include "backends/backend.hpp"
#include "backends/cpu_ref/backend.hpp"
#include "backends/memory_footprint.hpp"
#include "backends/multigpu/backend.hpp"
#include "backends/op_runner.hpp"
#include "core/error.hpp"

#if __has_include("backends/cpu/backend.hpp") && !defined(GCNBENCH_NO_CPU_BACKEND)
#include "backends/cpu/backend.hpp"
#define GCNBENCH_HAVE_CPU_BACKEND 1
#endif
#if defined(GCNBENCH_HAVE_CUDA)
#include "backends/cuda/backend.hpp"
#endif

namespace gcn {
namespace {

struct BackendEntry {
  const char* name;
  std::function<std::unique_ptr<Backend>(const BackendOptions&)> make;
  // The dense kernels of its ranks under --ranks; null: no multi-rank form.
  multigpu::RankKernels (*rank_kernels)();
  // Empty when the backend can run on this machine, else the reason it cannot.
  std::function<std::string()> unavailable_reason;
  std::function<BackendFootprint(const GraphShape&, const ModelConfig&, const BackendOptions&)> footprint;
  std::function<std::unique_ptr<PreparedOp>(const OpInputs&, const BackendOptions&)> prepare_op;
};

const std::vector<BackendEntry>& registry() {
  static const std::vector<BackendEntry> entries = {
    {"cpu-ref", make_cpu_ref_backend, multigpu::reference_rank_kernels, [] { return std::string(); },
     cpu_ref_memory_footprint, cpu_ref_prepare_op},
#ifdef GCNBENCH_HAVE_CPU_BACKEND
    {"cpu", make_cpu_backend, multigpu::cpu_rank_kernels, [] { return std::string(); }, cpu_memory_footprint,
     cpu_prepare_op},
#endif
#if defined(GCNBENCH_HAVE_CUDA)
    {"cuda", make_cuda_backend, nullptr, cuda_unavailable_reason, cuda_memory_footprint, cuda_prepare_op},
#endif
  };
  return entries;
}

}  // namespace

std::vector<std::string> compiled_backends() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.emplace_back(entry.name);
  return names;
}

std::vector<std::string> available_backends(std::vector<std::string>* unavailable) {
  std::vector<std::string> names;
  for (const auto& entry : registry()) {
    const std::string reason = entry.unavailable_reason();
    if (reason.empty()) {
      names.emplace_back(entry.name);
    } else if (unavailable) {
      unavailable->push_back(std::string(entry.name) + ": " + reason);
    }
  }
  return names;
}

BackendFootprint memory_footprint(const std::string& backend, const GraphShape& shape, const ModelConfig& config,
                                  const BackendOptions& options) {
  for (const auto& entry : registry())
    if (backend == entry.name) return entry.footprint(shape, config, options);
  fail("unknown backend '" + backend + "'");
}

std::unique_ptr<PreparedOp> prepare_op(const std::string& backend, const OpInputs& inputs,
                                       const BackendOptions& options) {
  for (const auto& entry : registry()) {
    if (backend != entry.name) continue;
    const std::string reason = entry.unavailable_reason();
    if (!reason.empty()) fail("backend '" + backend + "' cannot run here: " + reason);
    return entry.prepare_op(inputs, options);
  }
  fail("unknown backend '" + backend + "'");
}

std::vector<std::string> known_backends() {
  std::vector<std::string> names = compiled_backends();
  if (std::find(names.begin(), names.end(), "cuda") == names.end()) names.push_back("cuda");
  return names;
}

std::string backend_skip_reason(const std::string& name) {
  for (const auto& entry : registry())
    if (name == entry.name) return entry.unavailable_reason();
  if (name == "cuda") return "gcnbench was built without CUDA (no nvcc at configure time)";
  std::string known;
  for (const auto& n : known_backends()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown backend '" + name + "' (known: " + known + ")");
}

std::unique_ptr<Backend> make_backend(const std::string& name, const BackendOptions& options) {
  for (const auto& entry : registry()) {
    if (name != entry.name) continue;
    const std::string reason = entry.unavailable_reason();
    if (!reason.empty()) fail("backend '" + name + "' cannot run here: " + reason);
    if (options.ranks > 0 && options.gpus > 0)
      fail("--ranks (simulated ranks on the host) and --gpus (one process per GPU) exclude each other");
    if (options.gpus > 0 && name != std::string("cuda"))
      fail("backend '" + name + "' does not run on GPUs; --gpus needs --backend cuda (or --ranks for simulated ranks)");
    if (options.ranks == 0) return entry.make(options);
    if (!entry.rank_kernels)
      fail("backend '" + name + "' has no --ranks form (simulated ranks run on the host: cpu-ref or cpu)");
    return make_multirank_backend(entry.rank_kernels(), options);
  }
#if !defined(GCNBENCH_HAVE_CUDA)
  if (name == "cuda")
    fail("backend 'cuda' is not available: gcnbench was built without CUDA (no nvcc found at configure time)");
#endif
  std::string known;
  for (const auto& n : compiled_backends()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown backend '" + name + "' (built: " + known + ")");
}

}  // namespace gcn
