// The inputs of one op case, drawn from a seed: uniform values in [-1, 1) (half of them negative,
// so ReLU's mask and dropout's both matter; never an all-zero input), labels uniform over the
// classes, and one row in three in each of the train, val and test splits.
#pragma once

#include <cstdint>

#include "backends/op_runner.hpp"
#include "bench/op_catalog.hpp"
#include "core/csr.hpp"

namespace gcn {

// `adjacency` is the case's graph's (spmm only; ignored otherwise). Dropout p is 0.5, as both
// presets' hidden layers use, keyed by `seed`.
OpInputs make_op_inputs(const std::string& op, int64_t m, int64_t k, int64_t n, const Csr<float>* adjacency,
                        uint64_t seed);

}  // namespace gcn
