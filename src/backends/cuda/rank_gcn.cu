#include <algorithm>
#include <utility>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/rank_gcn.cuh"
#include "core/error.hpp"

namespace gcn::cuda {
namespace {

// Split s = 0 train, 1 val, 2 test, as the problem's Split values.
constexpr Split kSplits[3] = {Split::Train, Split::Val, Split::Test};

bool has_epilogue(const Epilogue& ep) { return ep.bias || ep.relu || ep.dropout.state; }

// c = a * b (+ epilogue), zeroing c first when a is cut into items (which accumulate atomically).
void spmm_any(const DeviceCsr& a, const float* b, int64_t width, float* c, const ValueDropout& vd, const Epilogue& ep,
              cudaStream_t stream) {
  if (a.num_items == 0) return spmm(a.view(), b, width, c, vd, ep, stream);
  GCN_CUDA_CHECK(cudaMemsetAsync(c, 0, a.rows * width * sizeof(float), stream));
  spmm(a.view(), b, width, c, vd, Epilogue{}, stream);
  if (has_epilogue(ep)) bias_relu_dropout(c, c, a.rows, width, ep, stream);
}

}  // namespace

CudaRankGcn::CudaRankGcn(DeviceHandles& device, multigpu::Communicator& comm, const Problem& problem,
                         multigpu::RankPlan plan)
    : stream_(device.stream()),
      dense_(device.dense()),
      mem_(device.memory()),
      comm_(&comm),
      plan_(std::move(plan)),
      config_(problem.config),
      widths_(problem.widths()),
      n_(plan_.num_local()) {
  if (config_.adjacency != AdjacencyMode::Sparse)
    fail(
        "cuda --gpus: the ranks split the sparse adjacency by rows; --adj dense is not supported there (use --adj "
        "sparse)");
  if (plan_.num_nodes != problem.num_nodes || comm.size() != plan_.parts || comm.rank() != plan_.rank)
    fail("cuda --gpus: the plan is for rank " + std::to_string(plan_.rank) + " of " + std::to_string(plan_.parts) +
         " over " + std::to_string(plan_.num_nodes) + " nodes; the communicator is rank " +
         std::to_string(comm.rank()) + " of " + std::to_string(comm.size()) + ", the problem has " +
         std::to_string(problem.num_nodes) + " nodes");
  const int L = num_layers();
  for (int l = 1; l <= L; ++l)
    if (widths_[l] > kMaxSpmmWidth)
      fail("cuda: layer width " + std::to_string(widths_[l]) + " is more than the " + std::to_string(kMaxSpmmWidth) +
           " columns the cuda backend's SpMM takes");
  const int64_t lo = plan_.row_begin, hi = plan_.row_end, F = problem.num_features;

  // This rank's rows of each split, their labels, and every rank's count (the loss's divisor).
  std::vector<int32_t> rows[3], labels[3];
  for (int64_t i = lo; i < hi; ++i)
    for (int s = 0; s < 3; ++s)
      if (problem.split[i] == kSplits[s]) {
        rows[s].push_back(static_cast<int32_t>(i - lo));
        labels[s].push_back(problem.labels[i]);
      }
  double counts[4] = {0, 0, 0, 0};
  for (int s = 0; s < 3; ++s) {
    split_rows_[s].upload(mem_, rows[s], "split rows", stream_);
    split_labels_[s].upload(mem_, labels[s], "split labels", stream_);
    local_count_[s] = static_cast<int64_t>(rows[s].size());
    counts[s] = static_cast<double>(local_count_[s]);
  }
  // Summed in device memory, as the communicator's buffers must be.
  sums_.allocate(mem_, 4, "metric sums");
  sums_.upload(counts, 4, stream_);
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  comm.all_reduce_sum(sums_.get(), 4);
  GCN_CUDA_CHECK(cudaMemcpyAsync(counts, sums_.get(), sizeof counts, cudaMemcpyDeviceToHost, stream_));
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  for (int s = 0; s < 3; ++s) global_count_[s] = static_cast<int64_t>(counts[s]);
  if (global_count_[0] == 0) fail("cuda: the problem has no training nodes");

  adj_.upload(mem_, plan_.adjacency, "adjacency rows", stream_);
  adj_t_.upload(mem_, transpose(plan_.adjacency), "adjacency rows transpose", stream_);
  const Csr<float> features = multigpu::row_slice(problem.features, lo, hi);
  if (config_.features == FeatureMode::Sparse) {
    features_.upload(mem_, features, "features", stream_);
    features_t_.upload(mem_, transpose(features), "features transpose", stream_);
  } else {
    DeviceCsr staging;
    staging.upload(mem_, features, "features (staging)", stream_);
    dense_x_.allocate(mem_, n_ * F, "dense features");
    GCN_CUDA_CHECK(cudaMemsetAsync(dense_x_.get(), 0, n_ * F * sizeof(float), stream_));
    CsrView v = staging.view();
    v.num_items = 0;
    csr_to_dense(v, dense_x_.get(), F, stream_);
    if (config_.input_dropout && config_.dropout > 0) dropped_x_.allocate(mem_, n_ * F, "dropped features");
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }
  send_rows_.upload(mem_, plan_.send_rows, "halo send rows", stream_);

  params_.allocate(mem_, widths_, config_.bias);
  state_.allocate(mem_, 1, "epoch state");
  GCN_CUDA_CHECK(cudaMemsetAsync(state_.get(), 0, sizeof(EpochState), stream_));
  int64_t max_out = 1, max_hidden = 1;
  for (int l = 0; l < L; ++l) max_out = std::max(max_out, widths_[l + 1]);
  for (int l = 1; l < L; ++l) max_hidden = std::max(max_hidden, widths_[l]);
  const int64_t buffer_rows = n_ + plan_.num_halo(), sent = static_cast<int64_t>(plan_.send_rows.size());
  z_.allocate(mem_, buffer_rows * max_out, "Z with halo rows");
  dz_.allocate(mem_, buffer_rows * max_out, "Z gradient with halo rows");
  send_.allocate(mem_, sent * max_out, "halo send buffer");
  recv_.allocate(mem_, sent * max_out, "halo receive buffer");
  h_.clear();
  h_.resize(L);
  for (int l = 1; l < L; ++l) h_[l].allocate(mem_, n_ * widths_[l], "hidden activations");
  const int64_t C = widths_.back();
  logits_.allocate(mem_, n_ * C, "logits");
  d_logits_.allocate(mem_, n_ * C, "logit gradient");
  GCN_CUDA_CHECK(cudaMemsetAsync(d_logits_.get(), 0, n_ * C * sizeof(float), stream_));  // rows outside train stay 0
  g_.allocate(mem_, n_ * max_hidden, "activation gradient");
  ones_.allocate(mem_, n_, "ones");
  fill(ones_.get(), n_, 1.f, stream_);
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaRankGcn::reset(const Parameters<float>& params, uint64_t seed) {
  params_.upload(params, stream_);
  seed_ = seed;
  steps_ = 0;
}

DeviceDropout CudaRankGcn::dropout_spec(int layer, int64_t width) const {
  DeviceDropout d;
  d.state = state_.get();
  d.layer = static_cast<uint32_t>(layer);
  d.p = static_cast<float>(config_.dropout);
  d.scale = 1.f / (1.f - static_cast<float>(config_.dropout));
  d.first_index = static_cast<uint64_t>(plan_.row_begin * width);
  return d;
}

void CudaRankGcn::mark(StepClock* clock, const StepTime& s) const {
  if (!clock) return;
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  clock->mark(s);
}

EpochMetrics CudaRankGcn::train_epoch(int epoch, StepClock* clock) {
  EpochState state{};
  state.seed = seed_;
  state.epoch = static_cast<uint32_t>(epoch);
  state.step = steps_;
  GCN_CUDA_CHECK(cudaMemcpyAsync(state_.get(), &state, sizeof state, cudaMemcpyHostToDevice, stream_));
  const int64_t C = widths_.back();
  forward(true);
  mark(clock, step("forward (this rank's rows)", "rank_steps", n_, widths_.front(), C));
  GCN_CUDA_CHECK(cudaMemsetAsync(sums_.get(), 0, 4 * sizeof(double), stream_));
  loss_sums(0, 0, true);
  const bool val_from_train = config_.val_from_train_forward;
  if (val_from_train) loss_sums(1, 1, false);
  mark(clock, step("loss and its gradient", "softmax_cross_entropy", local_count_[0], 0, C, 0, local_count_[0]));
  Metrics m[2];
  const int splits[2] = {0, 1};
  if (val_from_train) global_metrics(splits, m);
  backward();
  mark(clock, step("backward (this rank's rows)", "rank_steps", n_, widths_.front(), C));
  all_reduce_gradients();
  mark(clock, step("gradient all-reduce", "all_reduce", params_.count(), 0, 0));
  params_.adam_step(config_, state_.get(), stream_);
  mark(clock, step("adam", "adam_update", params_.count(), 0, 0));
  ++steps_;
  if (!val_from_train) {
    // The train sums are still in slot 0: one all-reduce carries both.
    forward(false);
    GCN_CUDA_CHECK(cudaMemsetAsync(sums_.get() + 2, 0, 2 * sizeof(double), stream_));
    loss_sums(1, 1, false);
    global_metrics(splits, m);
    mark(clock, step("val forward (this rank's rows)", "rank_steps", n_, widths_.front(), C));
  }
  EpochMetrics metrics;
  metrics.train_loss = m[0].loss;
  metrics.train_acc = m[0].accuracy;
  metrics.val_loss = m[1].loss;
  metrics.val_acc = m[1].accuracy;
  return metrics;
}

LossAndAccuracy CudaRankGcn::evaluate(Split split) {
  const int s = split == Split::Train ? 0 : split == Split::Val ? 1 : split == Split::Test ? 2 : -1;
  if (s < 0) fail("cuda: evaluate needs the train, val or test split");
  forward(false);
  GCN_CUDA_CHECK(cudaMemsetAsync(sums_.get(), 0, 4 * sizeof(double), stream_));
  loss_sums(s, 0, false);
  const int splits[2] = {s, s};
  Metrics m[2];
  global_metrics(splits, m);
  return {m[0].loss, m[0].accuracy};
}

void CudaRankGcn::forward(bool training) {
  const int L = num_layers();
  const int64_t F = widths_.front();
  for (int l = 0; l < L; ++l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    const bool last = l == L - 1;
    const bool drop_in = training && config_.dropout > 0 && (l > 0 || config_.input_dropout);
    float* z = z_.get();
    Epilogue z_ep;
    if (config_.bias && config_.bias_before_aggregation) z_ep.bias = params_.bias(l);
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      ValueDropout vd;
      if (drop_in) vd = ValueDropout{dropout_spec(0, F), F, false};
      spmm_any(features_, params_.weight(0), out_w, z, vd, z_ep, stream_);
    } else {
      // Layer l >= 1 reads h_[l], dropped by the previous layer's epilogue when training.
      const float* input = l > 0 ? h_[l].get() : dense_x_.get();
      if (l == 0 && drop_in) {
        Epilogue drop;
        drop.dropout = dropout_spec(0, F);
        bias_relu_dropout(dense_x_.get(), dropped_x_.get(), n_, F, drop, stream_);
        input = dropped_x_.get();
      }
      gemm(dense_, input, in_w, params_.weight(l), z, n_, in_w, out_w);
      if (z_ep.bias) bias_relu_dropout(z, z, n_, out_w, z_ep, stream_);
    }
    Epilogue p_ep;
    if (config_.bias && !config_.bias_before_aggregation) p_ep.bias = params_.bias(l);
    if (!last) {
      p_ep.relu = true;
      if (training && config_.dropout > 0) p_ep.dropout = dropout_spec(l + 1, out_w);
    }
    aggregate(z, out_w, last ? logits_.get() : h_[l + 1].get(), p_ep);
  }
}

void CudaRankGcn::loss_sums(int s, int slot, bool gradient) {
  if (local_count_[s] == 0) return;  // this rank holds none of the split's rows: it adds zeros
  LossArgs la;
  la.logits = logits_.get();
  la.classes = static_cast<int>(widths_.back());
  la.row_of = split_rows_[s].get();
  la.labels = split_labels_[s].get();
  la.end0 = local_count_[s];
  la.end1 = local_count_[s];
  if (gradient) {
    la.grad = d_logits_.get();
    la.grad_at_logits_row = true;
    la.grad_count = static_cast<double>(global_count_[s]);
  }
  la.out = sums_.get() + 2 * slot;
  la.scratch = state_.get();
  la.sums = true;
  softmax_cross_entropy(la, stream_);
}

void CudaRankGcn::global_metrics(const int split_of_slot[2], Metrics out[2]) {
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  comm_->all_reduce_sum(sums_.get(), 4);
  double sums[4];
  GCN_CUDA_CHECK(cudaMemcpyAsync(sums, sums_.get(), sizeof sums, cudaMemcpyDeviceToHost, stream_));
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  for (int slot = 0; slot < 2; ++slot) {
    const double count = static_cast<double>(global_count_[split_of_slot[slot]]);
    out[slot] = count == 0 ? Metrics{} : Metrics{sums[2 * slot] / count, sums[2 * slot + 1] / count};
  }
}

void CudaRankGcn::backward() {
  const int L = num_layers();
  const bool dropout_on = config_.dropout > 0;
  const float scale = dropout_on ? 1.f / (1.f - static_cast<float>(config_.dropout)) : 1.f;
  const float* d_out = d_logits_.get();
  for (int l = L - 1; l >= 0; --l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    if (config_.bias && !config_.bias_before_aggregation)
      bias_backward(dense_, d_out, params_.bias_grad(l), n_, out_w, ones_.get());
    float* d_z = dz_.get();
    aggregate_backward(d_out, out_w, d_z);
    if (config_.bias && config_.bias_before_aggregation)
      bias_backward(dense_, d_z, params_.bias_grad(l), n_, out_w, ones_.get());
    const bool drop_in = dropout_on && (l > 0 || config_.input_dropout);
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      ValueDropout vd;
      if (drop_in) vd = ValueDropout{dropout_spec(0, in_w), in_w, true};
      spmm_any(features_t_, d_z, out_w, params_.weight_grad(0), vd, Epilogue{}, stream_);
    } else {
      const float* input = l > 0 ? h_[l].get() : drop_in ? dropped_x_.get() : dense_x_.get();
      gemm_at_b(dense_, input, in_w, d_z, params_.weight_grad(l), n_, in_w, out_w);
    }
    if (l == 0) break;
    // Gradient w.r.t. H_l: through W_l^T, then dropout's mask and the ReLU (h_[l] > 0 exactly
    // where both let the element through).
    gemm_a_bt(dense_, d_z, params_.weight(l), g_.get(), n_, out_w, in_w);
    relu_dropout_backward(h_[l].get(), g_.get(), n_ * in_w, scale, stream_);
    d_out = g_.get();
  }
}

// One all-reduce for every parameter's gradient: they are packed in one array.
void CudaRankGcn::all_reduce_gradients() {
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  comm_->all_reduce_sum(params_.grads(), params_.count());
}

void CudaRankGcn::exchange(const std::vector<multigpu::SendBuffer>& sends,
                           const std::vector<multigpu::RecvBuffer>& recvs) {
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the communicator's stream reads what ours wrote
  comm_->begin_exchange(sends, recvs);
  comm_->end_exchange();
}

void CudaRankGcn::aggregate(float* z_buffer, int64_t width, float* out, const Epilogue& ep) {
  // The rows each peer needs, packed in the peer's halo order; the halo arrives grouped by owner.
  gather_rows(z_buffer, send_rows_.get(), static_cast<int64_t>(plan_.send_rows.size()), width, send_.get(), stream_);
  std::vector<multigpu::SendBuffer> sends;
  std::vector<multigpu::RecvBuffer> recvs;
  float* halo = z_buffer + n_ * width;
  for (int q = 0; q < plan_.parts; ++q) {
    if (plan_.send_count(q) > 0)
      sends.push_back({q, send_.get() + plan_.send_offset[q] * width, plan_.send_count(q) * width});
    if (plan_.recv_count(q) > 0) recvs.push_back({q, halo + plan_.recv_offset[q] * width, plan_.recv_count(q) * width});
  }
  exchange(sends, recvs);
  spmm_any(adj_, z_buffer, width, out, ValueDropout{}, ep, stream_);
}

void CudaRankGcn::aggregate_backward(const float* d_out, int64_t width, float* d_z) {
  // A_local^T d_out: this rank's rows first, then the halo nodes' rows, which belong to peers.
  spmm_any(adj_t_, d_out, width, d_z, ValueDropout{}, Epilogue{}, stream_);
  std::vector<multigpu::SendBuffer> sends;
  std::vector<multigpu::RecvBuffer> recvs;
  for (int q = 0; q < plan_.parts; ++q) {
    if (plan_.recv_count(q) > 0)
      sends.push_back({q, d_z + (n_ + plan_.recv_offset[q]) * width, plan_.recv_count(q) * width});
    if (plan_.send_count(q) > 0)
      recvs.push_back({q, recv_.get() + plan_.send_offset[q] * width, plan_.send_count(q) * width});
  }
  exchange(sends, recvs);
  // Each peer's contributions to our rows, added peer by peer: within one peer the rows are distinct.
  for (int q = 0; q < plan_.parts; ++q)
    add_rows(recv_.get() + plan_.send_offset[q] * width, send_rows_.get() + plan_.send_offset[q], plan_.send_count(q),
             width, d_z, stream_);
}

}  // namespace gcn::cuda
