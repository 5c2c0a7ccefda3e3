// A_hat * Z and its transpose when Z's rows are spread over the ranks: the one place where the
// training step communicates activations. Two ways, picked by ExchangeMode:
//
//  AllGather: every rank gathers all of Z (n rows) and runs its rows of A_hat on it; backward,
//             every rank computes A^T G for all n rows and a reduce-scatter sums each block at
//             its owner. Simple, and the volume is (P-1) n rows per exchange whatever the graph.
//  Halo:      every rank receives only the rows its rows reference (RankPlan's halo) with one
//             group of point-to-point transfers, and aggregates its interior rows while they are
//             in flight; backward, the gradient rows of halo nodes go back to their owners, who
//             add them to their own (the transposed exchange).
#pragma once

#include <cstdint>
#include <vector>

#include "backends/multigpu/communicator.hpp"
#include "backends/multigpu/halo_plan.hpp"

namespace gcn::multigpu {

enum class ExchangeMode { AllGather, Halo };

const char* to_string(ExchangeMode mode);  // "all-gather" or "halo"

class DistributedAggregation {
 public:
  DistributedAggregation(const RankPlan& plan, Communicator& comm, ExchangeMode mode);

  // Z is passed as the buffer the local SpMM reads: buffer_rows() x width, this rank's own rows
  // at [local_offset(), local_offset() + num_local), filled by the caller; forward fills the
  // remote rows and writes out (num_local x width) = this rank's rows of A_hat Z.
  int64_t buffer_rows() const;
  int64_t local_offset() const;
  void forward(float* z_buffer, int64_t width, float* out);

  // d_z (num_local x width) = this rank's rows of A_hat^T G, where G is split by rows like Z and
  // d_out holds this rank's rows of it.
  void backward(const float* d_out, int64_t width, float* d_z);

 private:
  void forward_halo(float* z_buffer, int64_t width, float* out);
  void forward_all_gather(float* z_buffer, int64_t width, float* out);
  void backward_halo(const float* d_out, int64_t width, float* d_z);
  void backward_all_gather(const float* d_out, int64_t width, float* d_z);

  const RankPlan* plan_;
  Communicator* comm_;
  ExchangeMode mode_;
  int64_t max_rows_ = 0;                      // largest block, the padded block of the collectives
  std::vector<int32_t> all_rows_;             // 0..num_local-1
  std::vector<float> send_, recv_, scratch_;  // reused every call: no allocation in the epoch loop
  std::vector<SendBuffer> sends_;
  std::vector<RecvBuffer> recvs_;
};

}  // namespace gcn::multigpu
