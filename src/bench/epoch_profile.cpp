#include "bench/epoch_profile.hpp"

#include <algorithm>

#include "backends/op_runner.hpp"
#include "bench/op_inputs.hpp"
#include "bench/op_timing.hpp"
#include "bench/stats.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

double median_ms_of(const std::string& backend, const OpInputs& inputs, const BackendOptions& options,
                    double* flops_done) {
  std::unique_ptr<PreparedOp> op = prepare_op(backend, inputs, options);
  const OpTiming t = time_op(*op, 5);
  if (flops_done) *flops_done = op->flops_done();
  return compute_stats(t.samples_ms).median;
}

std::string shape_of(const StepTime& s) {
  std::string out;
  const auto add = [&](const char* name, int64_t v) {
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out.append(name).append("=").append(std::to_string(v));
  };
  add("m", s.m);
  add("k", s.k);
  add("n", s.n);
  add("entries", s.entries);
  add("train", s.train);
  return out;
}

}  // namespace

DeviceFloors measure_floors(const std::string& profiled, const BackendOptions& options) {
  // cpu-ref has no probes: its device is the host, whose floors the cpu backend's probes measure.
  const std::string backend = profiled == "cpu-ref" ? "cpu" : profiled;
  const bool gpu = backend == "cuda";
  const int64_t copy_floats = gpu ? int64_t{1} << 27 : int64_t{1} << 25;
  const int64_t fmas = gpu ? int64_t{1} << 32 : int64_t{1} << 30;
  DeviceFloors f;
  const double copy_ms = median_ms_of(backend, make_op_inputs("copy", copy_floats, 0, 0, nullptr, 1), options, nullptr);
  f.copy_gb_per_s = op_cost("copy", copy_floats, 0, 0).bytes / (copy_ms * 1e6);
  double flops = 0;
  const double fma_ms = median_ms_of(backend, make_op_inputs("fma", fmas, 0, 0, nullptr, 1), options, &flops);
  if (flops <= 0) flops = op_cost("fma", fmas, 0, 0).flops;
  f.fma_gflop_per_s = flops / (fma_ms * 1e6);
  return f;
}

EpochProfile profile_epochs(Backend& backend, int epochs, int first_epoch, const DeviceFloors& floors) {
  if (epochs < 1) fail("--profile: at least 1 epoch");
  EpochProfile result;
  result.epochs = epochs;
  result.floors = floors;
  const std::vector<StepTime> first = backend.profile_epoch(first_epoch);
  std::vector<std::vector<double>> times(first.size());
  std::vector<double> totals;
  for (int e = 1; e <= epochs; ++e) {
    const std::vector<StepTime> steps = backend.profile_epoch(first_epoch + e);
    if (steps.size() != first.size()) fail("profile: the epochs ran different numbers of steps");
    double total = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].step != first[i].step) fail("profile: the epochs ran different steps");
      times[i].push_back(steps[i].ms);
      total += steps[i].ms;
    }
    totals.push_back(total);
  }
  backend.collect_metrics();
  result.epoch_ms = compute_stats(totals).median;
  for (size_t i = 0; i < first.size(); ++i) {
    const StepTime& s = first[i];
    StepProfile p;
    p.step = s.step;
    p.op = s.op;
    p.shape = shape_of(s);
    p.ms = compute_stats(times[i]).median;
    p.cost = op_cost(s.op, s.m, s.k, s.n, s.entries, s.train);
    const double memory_ms = floors.copy_gb_per_s > 0 ? p.cost.bytes / (floors.copy_gb_per_s * 1e6) : 0;
    const double compute_ms = floors.fma_gflop_per_s > 0 ? p.cost.flops / (floors.fma_gflop_per_s * 1e6) : 0;
    p.floor_ms = std::max(memory_ms, compute_ms);
    p.floor_fraction = p.ms > 0 ? p.floor_ms / p.ms : 0;
    result.floor_ms += p.floor_ms;
    result.steps.push_back(std::move(p));
  }
  return result;
}

}  // namespace gcn
