#include "backends/multigpu/aggregation.hpp"

#include <algorithm>
#include <string>

#include "backends/cpu_ref/ops.hpp"
#include "backends/multigpu/local_kernels.hpp"
#include "core/error.hpp"

namespace gcn::multigpu {

const char* to_string(ExchangeMode mode) { return mode == ExchangeMode::Halo ? "halo" : "all-gather"; }

DistributedAggregation::DistributedAggregation(const RankPlan& plan, Communicator& comm, ExchangeMode mode)
    : plan_(&plan), comm_(&comm), mode_(mode), max_rows_(plan.partition.max_rows()) {
  if (comm.size() != plan.parts || comm.rank() != plan.rank)
    fail("distributed aggregation: the plan is for rank " + std::to_string(plan.rank) + " of " +
         std::to_string(plan.parts) + ", the communicator is rank " + std::to_string(comm.rank()) + " of " +
         std::to_string(comm.size()));
  for (int32_t r = 0; r < static_cast<int32_t>(plan.num_local()); ++r) all_rows_.push_back(r);
}

int64_t DistributedAggregation::buffer_rows() const {
  return mode_ == ExchangeMode::Halo ? plan_->num_local() + plan_->num_halo() : plan_->num_nodes;
}

int64_t DistributedAggregation::local_offset() const { return mode_ == ExchangeMode::Halo ? 0 : plan_->row_begin; }

void DistributedAggregation::forward(float* z_buffer, int64_t width, float* out) {
  if (mode_ == ExchangeMode::Halo) {
    forward_halo(z_buffer, width, out);
  } else {
    forward_all_gather(z_buffer, width, out);
  }
}

void DistributedAggregation::backward(const float* d_out, int64_t width, float* d_z) {
  if (mode_ == ExchangeMode::Halo) {
    backward_halo(d_out, width, d_z);
  } else {
    backward_all_gather(d_out, width, d_z);
  }
}

void DistributedAggregation::forward_halo(float* z_buffer, int64_t width, float* out) {
  const RankPlan& plan = *plan_;
  // Pack the rows each peer needs; the packed order is the peer's halo order.
  send_.resize(plan.send_rows.size() * static_cast<size_t>(width));
  for (size_t i = 0; i < plan.send_rows.size(); ++i)
    std::copy_n(z_buffer + static_cast<int64_t>(plan.send_rows[i]) * width, width, send_.data() + i * width);
  sends_.clear();
  recvs_.clear();
  float* halo = z_buffer + plan.num_local() * width;
  for (int q = 0; q < plan.parts; ++q) {
    if (plan.send_count(q) > 0)
      sends_.push_back({q, send_.data() + plan.send_offset[q] * width, plan.send_count(q) * width});
    if (plan.recv_count(q) > 0) recvs_.push_back({q, halo + plan.recv_offset[q] * width, plan.recv_count(q) * width});
  }
  comm_->begin_exchange(sends_, recvs_);
  // Interior rows read only local rows: aggregate them while the halo is in flight.
  spmm_rows(plan.adjacency, plan.interior_rows, static_cast<const float*>(z_buffer), width, out);
  comm_->end_exchange();
  spmm_rows(plan.adjacency, plan.boundary_rows, static_cast<const float*>(z_buffer), width, out);
}

void DistributedAggregation::backward_halo(const float* d_out, int64_t width, float* d_z) {
  const RankPlan& plan = *plan_;
  const int64_t num_local = plan.num_local(), num_halo = plan.num_halo();
  // Gradient rows of the halo nodes: only boundary rows reference them. Computed first, so they
  // travel to their owners while the local part is computed.
  send_.resize(static_cast<size_t>(num_halo * width));
  spmm_transposed_columns(plan.adjacency, plan.boundary_rows, d_out, width, num_local, num_local + num_halo,
                          send_.data());
  // From each peer q: its contributions to our rows that q references, in our send-list order.
  recv_.resize(plan.send_rows.size() * static_cast<size_t>(width));
  sends_.clear();
  recvs_.clear();
  for (int q = 0; q < plan.parts; ++q) {
    if (plan.recv_count(q) > 0)
      sends_.push_back({q, send_.data() + plan.recv_offset[q] * width, plan.recv_count(q) * width});
    if (plan.send_count(q) > 0)
      recvs_.push_back({q, recv_.data() + plan.send_offset[q] * width, plan.send_count(q) * width});
  }
  comm_->begin_exchange(sends_, recvs_);
  scratch_.resize(static_cast<size_t>(num_local * width));
  spmm_transposed_columns(plan.adjacency, all_rows_, d_out, width, 0, num_local, scratch_.data());
  comm_->end_exchange();
  // Add the ranks' contributions in rank order (rank q's rows come before rank q+1's in the
  // single-process sum), ours included at our position.
  std::fill(d_z, d_z + num_local * width, 0.0f);
  for (int q = 0; q < plan.parts; ++q) {
    if (q == plan.rank) {
      for (int64_t i = 0; i < num_local * width; ++i) d_z[i] += scratch_[static_cast<size_t>(i)];
      continue;
    }
    for (int64_t i = plan.send_offset[q]; i < plan.send_offset[q + 1]; ++i) {
      float* row = d_z + static_cast<int64_t>(plan.send_rows[static_cast<size_t>(i)]) * width;
      const float* contribution = recv_.data() + i * width;
      for (int64_t j = 0; j < width; ++j) row[j] += contribution[j];
    }
  }
}

void DistributedAggregation::forward_all_gather(float* z_buffer, int64_t width, float* out) {
  const RankPlan& plan = *plan_;
  const RowPartition& partition = plan.partition;
  // NCCL's all-gather takes equal blocks: pad every block to the largest one.
  const int64_t block = max_rows_ * width;
  send_.assign(static_cast<size_t>(block), 0.0f);
  std::copy_n(z_buffer + plan.row_begin * width, plan.num_local() * width, send_.data());
  recv_.resize(static_cast<size_t>(block * plan.parts));
  comm_->all_gather(send_.data(), block, recv_.data());
  for (int q = 0; q < plan.parts; ++q)
    if (q != plan.rank)
      std::copy_n(recv_.data() + q * block, partition.rows(q) * width, z_buffer + partition.row_begin(q) * width);
  ref::spmm(plan.adjacency_global_columns, static_cast<const float*>(z_buffer), width, out);
}

void DistributedAggregation::backward_all_gather(const float* d_out, int64_t width, float* d_z) {
  const RankPlan& plan = *plan_;
  const RowPartition& partition = plan.partition;
  // Our rows' contributions to every node, laid out in padded blocks by owner, then summed at
  // each owner by the reduce-scatter.
  scratch_.resize(static_cast<size_t>(plan.num_nodes * width));
  ref::spmm_transposed(plan.adjacency_global_columns, d_out, width, scratch_.data());
  const int64_t block = max_rows_ * width;
  send_.assign(static_cast<size_t>(block * plan.parts), 0.0f);
  for (int q = 0; q < plan.parts; ++q)
    std::copy_n(scratch_.data() + partition.row_begin(q) * width, partition.rows(q) * width, send_.data() + q * block);
  recv_.resize(static_cast<size_t>(block));
  comm_->reduce_scatter_sum(send_.data(), block, recv_.data());
  std::copy_n(recv_.data(), plan.num_local() * width, d_z);
}

}  // namespace gcn::multigpu
