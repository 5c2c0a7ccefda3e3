// Checks every command attaches to its flags, so that one flag is validated the same way
// wherever it appears: numbers must parse whole, be finite and lie in a stated range (the
// range is in the message); paths must not be empty (an unset shell variable). CLI11's own
// Range lets NaN through, hence these.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace gcn::cli {

// A finite number in [lo, hi] (or [lo, hi) with hi_open, (lo, hi] with lo_open).
CLI::Validator finite_in(double lo, double hi, bool lo_open = false, bool hi_open = false);

// A whole number in [lo, hi].
CLI::Validator integer_in(int64_t lo, int64_t hi);

// A path that is not the empty string.
CLI::Validator non_empty_path();

// Largest thread count any command accepts: far above any machine's cores, low enough that
// OpenMP and OpenBLAS (whose Debian build allows 64 threads) never see an absurd request.
constexpr int64_t kMaxThreads = 1024;
// Largest --ranks: each simulated rank is a thread holding a replica of the parameters.
constexpr int64_t kMaxRanks = 1024;
// Largest --gpus: one process per GPU, far above the GPUs of one host.
constexpr int64_t kMaxGpus = 256;

}  // namespace gcn::cli
