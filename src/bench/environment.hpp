// The context every result carries (as google/benchmark does): machine, GPU, build, and how the
// results were produced. Captured once per bench run and attached to every result row.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gcn {

// {host, date, os, cpu_model, cpu_cores, memory_bytes, load_average (at capture), gpus: [{name, driver, memory}],
// cuda_version,
//  compiler, cxx_flags, blas, gcnbench_version, git_commit, command_line, variables (OMP_*,
//  OPENBLAS_*, CUDA_* ... in effect), start (machine_state())}; fields that cannot be
// found are null. GPU details come from nvidia-smi when it is on PATH.
nlohmann::json capture_environment();

// What changes during a benchmark: {date, load_average, cpu_governor, cpu0_mhz, gpus: [{sm_clock,
// memory_clock, temperature_c, power}]}, null where unknown. capture_environment records it as
// "start"; bench and ops add it as "end" before the rows are written.
nlohmann::json machine_state();

// This process's command line from /proc/self/cmdline, shell-quoted.
std::string own_command_line();

// UTC time as "2026-11-25T05:48:41Z", and "2026-11-25" for directory names.
std::string utc_timestamp();
std::string utc_date();
std::string host_name();

// The 1-minute load average (/proc/loadavg); negative when it cannot be read.
double load_average_1min();

}  // namespace gcn
