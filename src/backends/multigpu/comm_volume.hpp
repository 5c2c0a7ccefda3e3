// Bytes a training epoch moves between ranks, for each way of exchanging activations, summed
// over all ranks. Layer l exchanges Z_l = D_l W_l, of width widths[l+1], once per forward pass
// (the training forward and, unless validation reuses it, the eval forward) and its gradient once
// in the backward pass.
//
//   halo:       4 bytes * H * sum_l widths[l+1] * (forwards + 1), H = sum over ranks of halo rows
//   all-gather: 4 bytes * (P-1) * n * sum_l widths[l+1] * (forwards + 1)
//               (each rank receives the n - n_p rows it does not own; the backward reduce-scatter
//               sends as many; NCCL's equal blocks add padding up to P * max_p n_p, not counted)
//   gradients:  one all-reduce of every parameter (4 bytes each) per epoch, either way.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/multigpu/halo_plan.hpp"

namespace gcn::multigpu {

struct EpochVolume {
  double halo_bytes = 0;
  double all_gather_bytes = 0;
  double gradient_bytes = 0;  // all-reduce payload (a ring all-reduce moves 2 (P-1)/P of it per rank)
};

struct VolumeInputs {
  int64_t num_nodes = 0;
  int parts = 1;
  int64_t total_halo_rows = 0;
  std::vector<int64_t> widths;  // features, hidden..., classes
  bool eval_forward = true;     // a separate eval forward for validation each epoch
  bool bias = true;
};

EpochVolume epoch_volume(const VolumeInputs& inputs);

int64_t total_halo_rows(const std::vector<RankPlan>& plans);

}  // namespace gcn::multigpu
