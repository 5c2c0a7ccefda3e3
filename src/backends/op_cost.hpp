// The least memory traffic and arithmetic of one execution of an op: the numerators of its
// achieved bandwidth, flop rate and floor fraction, in `gcnbench ops` and `gcnbench train
// --profile`. The ops are the backends' vocabulary (backends/op_runner.hpp), the sequel's
// gather, scatter_sum, softmax and linear, and the steps an epoch runs besides them.
#pragma once

#include <cstdint>
#include <string>

namespace gcn {

struct OpCost {
  double bytes = 0;  // fp32 values, int32 column and label indices, int64 row offsets
  double flops = 0;
};

// Shapes as in backends/op_runner.hpp. `stored_entries` is the sparse matrix's (spmm, gather,
// scatter_sum); `train_rows` the rows softmax_cross_entropy writes a gradient for. Beyond the
// vocabulary: bias and relu (m x n, on their own), dropout (m x n read, dropped copy written),
// dropout_mask (m x n keep bits written), zero (m x n floats written), epoch_counter (nothing),
// all_reduce (m floats, the payload each rank contributes) and rank_steps (a multi-rank
// backend's forward or backward of one rank: several ops, no cost modelled, so no floor).
// Throws gcn::Error for an unknown op.
OpCost op_cost(const std::string& op, int64_t m, int64_t k, int64_t n, int64_t stored_entries = 0,
               int64_t train_rows = 0);

}  // namespace gcn
