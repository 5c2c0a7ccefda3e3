// `gcnbench train --profile`: the time of each step of a training epoch (Backend::profile_epoch),
// the median over several epochs, each beside the step's floor on this device: the larger of its
// least bytes at the measured copy bandwidth and its flops at the measured FMA peak (the probes
// of `gcnbench ops`, run by the same backend).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/op_cost.hpp"

namespace gcn {

struct DeviceFloors {
  double copy_gb_per_s = 0;  // read + write
  double fma_gflop_per_s = 0;
};

// Runs the backend's copy and FMA probes (sized beyond every cache: 2^27 floats and 2^32 FMAs on a
// GPU, 2^25 and 2^30 on the host; cpu-ref's device is measured by the cpu backend's) and returns
// their rates.
DeviceFloors measure_floors(const std::string& backend, const BackendOptions& options);

struct StepProfile {
  std::string step, op;
  std::string shape;  // "m=2708 k=1433 n=16 entries=13264"
  double ms = 0;      // median over the profiled epochs
  OpCost cost;
  double floor_ms = 0;        // the larger of bytes / copy bandwidth and flops / FMA peak
  double floor_fraction = 0;  // floor_ms / ms
};

struct EpochProfile {
  int epochs = 0;        // profiled epochs (after one more that is not counted)
  double epoch_ms = 0;   // median over the epochs of the sum of their steps
  double floor_ms = 0;   // sum of the steps' floors
  DeviceFloors floors;
  std::vector<StepProfile> steps;
};

// Profiles `epochs` epochs numbered from first_epoch, after one uncounted epoch (which captures
// the cuda backend's profiled graph). The metrics they produce are collected and dropped.
// Throws gcn::Error when epochs < 1 or when two epochs ran different steps.
EpochProfile profile_epochs(Backend& backend, int epochs, int first_epoch, const DeviceFloors& floors);

}  // namespace gcn
