#include "bench/bench_plan.hpp"

#include <algorithm>
#include <optional>

#include "backends/backend.hpp"
#include "bench/python.hpp"
#include "core/error.hpp"
#include "core/word_list.hpp"

namespace gcn {
namespace {

// The label's suffix for a timing: none for the first synchronized timing of the list.
std::string timing_suffix(const std::string& timing, const std::vector<std::string>& all) {
  return timing == all.front() ? "" : "/" + timing;
}

void add_timing_args(const std::string& timing, std::vector<std::string>& argv) {
  if (timing == "per-epoch") argv.push_back("--sync-every-epoch");
  if (timing == "dispatch") argv.insert(argv.end(), {"--timing", "dispatch"});
}

bool times_dispatch(const std::string& implementation, const std::string& device) {
  if (device == "cpu") return false;  // a CPU epoch is done when its issuing is: nothing to show
  return implementation == "gcnbench-cuda" || implementation.starts_with("torch-") || implementation.starts_with("mlx");
}

// A gcnbench row's label: implementation/device/adjacency, then "+sparse-x" or "+dense-x" when
// its features are stored otherwise than the preset stores them.
std::string computation_suffix(const Computation& c, const ModelConfig& config) {
  return c.adj + (c.features == to_string(config.features) ? "" : "+" + c.features + "-x");
}


}  // namespace

void check_backend_names(const BenchPlanSettings& settings) {
  if (is_all(settings.backends)) return;
  for (const auto& name : settings.backends) {
    try {
      backend_skip_reason(name);
    } catch (const Error& e) {
      fail("--backends: " + std::string(e.what()) + " or all");
    }
  }
}

std::vector<std::string> bench_timings(const BenchPlanSettings& settings) {
  std::vector<std::string> list = settings.timing_list;
  if (settings.per_run_timing) list.push_back("per-run");
  for (const auto& t : list)
    if (t != "per-epoch" && t != "per-run" && t != "dispatch")
      fail("--timing: '" + t + "' is none of per-epoch, per-run, dispatch");
  const auto has = [&](const char* t) { return std::find(list.begin(), list.end(), t) != list.end(); };
  std::vector<std::string> out;
  if (has("per-epoch") || !has("per-run")) out.push_back("per-epoch");
  if (has("per-run")) out.push_back("per-run");
  if (has("dispatch")) out.push_back("dispatch");
  return out;
}

std::vector<Computation> bench_computations(const BenchPlanSettings& settings, const ModelConfig& config,
                                            const std::vector<PeerSpec>& peers,
                                            const std::vector<std::string>& model_args) {
  const std::string features = to_string(config.features);
  std::vector<Computation> list;
  if (!settings.adj.empty()) {
    for (const auto& m : settings.adj) {
      if (m != "dense" && m != "sparse") fail("--adj: '" + m + "' is neither dense nor sparse");
      list.push_back({m, features});
    }
    return list;
  }
  const bool features_given = std::find(model_args.begin(), model_args.end(), "--features") != model_args.end();
  std::vector<PeerSpec> pairing = peers;
  if (features_given)
    for (auto& peer : pairing) peer.features = features;
  return default_computations({to_string(config.adjacency), features}, pairing);
}

std::vector<BenchRow> backend_rows(const BenchPlanSettings& settings, const PlannedSource& source,
                                   const std::vector<Computation>& modes, const std::vector<std::string>& model_args,
                                   const ModelConfig& config) {
  const std::vector<std::string> names = is_all(settings.backends) ? known_backends() : settings.backends;
  std::vector<BenchRow> rows;
  const std::vector<std::string> all_timings = bench_timings(settings);
  for (const auto& name : names) {
    const std::string reason = backend_skip_reason(name);
    for (const auto& timing : all_timings)
      for (const auto& mode : modes) {
        BenchRow row;
        row.implementation = "gcnbench-" + name;
        row.device = name == "cuda" ? "cuda" : "cpu";
        if (timing == "dispatch" && !times_dispatch(row.implementation, row.device)) continue;
        row.adj = mode.adj;
        row.features = mode.features;
        row.timing = timing;
        row.label = row.implementation + "/" + row.device + "/" + computation_suffix(mode, config) +
                    timing_suffix(timing, all_timings);
        row.dataset = source.dataset;
        row.skipped_reason = reason;
        std::vector<std::string> base = {
            settings.self, "train", "--json", "--backend", name, "--warmup", std::to_string(settings.warmup)};
        add_timing_args(timing, base);
        if (settings.threads > 0) base.insert(base.end(), {"--threads", std::to_string(settings.threads)});
        base.insert(base.end(), source.words.begin(), source.words.end());
        base.insert(base.end(), model_args.begin(), model_args.end());
        base.insert(base.end(), {"--adj", mode.adj});
        if (mode.features != to_string(config.features)) base.insert(base.end(), {"--features", mode.features});
        // --profile: the first run's process profiles more epochs after its timed ones.
        const int profiled = timing == "dispatch" ? 0 : settings.profile;
        row.command = [base, profiled](uint64_t seed) {
          auto argv = base;
          argv.insert(argv.end(), {"--seeds", std::to_string(seed)});
          if (profiled > 0 && seed == 0) argv.insert(argv.end(), {"--profile", std::to_string(profiled)});
          return argv;
        };
        rows.push_back(std::move(row));
      }
  }
  return rows;
}

std::vector<BenchRow> peer_rows(const BenchPlanSettings& settings, const PlannedSource& source, int epochs) {
  std::vector<BenchRow> rows;
  const std::vector<std::string> all_timings = bench_timings(settings);
  for (const auto& peer : select_peers(settings.peers)) {
    const std::string script = settings.peers_dir + "/" + peer.script;
    std::optional<std::string> python;
    const std::string unavailable = peer_unavailable_reason(peer.module, script, python);
    for (const auto& timing : all_timings)
      for (const auto& device : settings.peer_devices) {
        bool supported = false;  // a combination that does not exist anywhere (pyg on mps) is no row
        for (const auto& d : peer.devices) supported |= d == device;
        if (!supported) continue;
        if (timing == "dispatch" && !times_dispatch(peer.name, device)) continue;
        BenchRow row;
        row.implementation = peer.name;
        row.device = device;
        row.adj = peer.adj;
        row.features = peer.features;
        row.timing = timing;
        row.label = peer.name + "/" + device + "/" + peer.adj + timing_suffix(timing, all_timings);
        row.dataset = source.dataset;
        row.python = python.value_or("");
        row.skipped_reason = !device_absent_reason(device).empty() ? device_absent_reason(device) : unavailable;
        std::vector<std::string> base = {row.python, script};
        base.insert(base.end(), peer.args.begin(), peer.args.end());
        base.insert(base.end(), {"--problem", source.problem_dir, "--device", device, "--warmup",
                                 std::to_string(settings.warmup), "--epochs", std::to_string(epochs)});
        add_timing_args(timing, base);
        if (settings.threads > 0) base.insert(base.end(), {"--threads", std::to_string(settings.threads)});
        row.command = [base](uint64_t seed) {
          auto argv = base;
          argv.insert(argv.end(), {"--seeds", std::to_string(seed)});
          return argv;
        };
        rows.push_back(std::move(row));
      }
  }
  return rows;
}

}  // namespace gcn
