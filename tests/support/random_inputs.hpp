// Random inputs for the kernel and backend tests.
#pragma once

#include <cstdint>
#include <random>

#include "core/csr.hpp"

namespace gcn::testing {

// A fresh seed on every run (tests print it), or $GCNBENCH_TEST_SEED to rerun a failure.
uint64_t fresh_seed();

// rows x cols CSR, each entry present with probability `density`, values uniform in [-1, 1).
Csr<float> random_csr(std::mt19937_64& rng, int64_t rows, int64_t cols, double density);

}  // namespace gcn::testing
