#include "backends/multigpu/gcn.hpp"

#include <algorithm>
#include <utility>

#include "backends/cpu_ref/ops.hpp"
#include "backends/multigpu/local_kernels.hpp"
#include "backends/optimizer.hpp"
#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

const ModelConfig& require_sparse_adjacency(const ModelConfig& config) {
  if (config.adjacency != AdjacencyMode::Sparse)
    fail(
        "distributed training splits the sparse adjacency by rows; --adj dense is not supported there (use --adj "
        "sparse)");
  return config;
}

}  // namespace

RankKernels reference_rank_kernels() {
  return {"cpu-ref", ref::gemm<float>, ref::gemm_at_b<float>, ref::gemm_a_bt<float>, ref::adam_update<float>,
          [](int) {}};
}

DistributedGcn::DistributedGcn(const Problem& problem, RankPlan plan, Communicator& comm, ExchangeMode mode,
                               const RankKernels& kernels)
    : plan_(std::move(plan)),
      comm_(&comm),
      kernels_(kernels),
      config_(require_sparse_adjacency(problem.config)),
      widths_(problem.widths()),
      aggregation_(plan_, comm, mode) {
  if (plan_.num_nodes != problem.num_nodes)
    fail("distributed GCN: the plan is for " + std::to_string(plan_.num_nodes) + " nodes, the problem has " +
         std::to_string(problem.num_nodes));
  const int64_t lo = plan_.row_begin, hi = plan_.row_end, n = plan_.num_local();
  features_ = row_slice(problem.features, lo, hi);
  dropped_features_ = features_;
  if (config_.features == FeatureMode::Dense)
    dense_features_ = to_dense(features_, "dense feature matrix", "use --features sparse");
  labels_.assign(problem.labels.begin() + lo, problem.labels.begin() + hi);
  split_.assign(problem.split.begin() + lo, problem.split.begin() + hi);

  // The loss is a mean over every rank's train rows: agree on the global counts once.
  for (const Split s : split_) split_count_[static_cast<int>(s)] += 1;
  comm.all_reduce_sum(split_count_, 4);

  for (int l = 0; l < num_layers(); ++l) {
    inputs_.emplace_back(l == 0 && config_.features == FeatureMode::Sparse ? 0 : n, widths_[l]);
    z_buffer_.emplace_back(aggregation_.buffer_rows(), widths_[l + 1]);
    p_.emplace_back(n, widths_[l + 1]);
    outputs_.emplace_back(n, widths_[l + 1]);
    d_z_.emplace_back(n, widths_[l + 1]);
    d_in_.emplace_back(l == 0 ? 0 : n, widths_[l]);
  }
  d_logits_ = Matrix<float>(n, widths_.back());
}

void DistributedGcn::reset(const Parameters<float>& params, uint64_t seed) {
  state_.reset(params);
  seed_ = seed;
}

EpochMetrics DistributedGcn::train_epoch(int epoch, StepClock* clock) {
  const auto mark = [&](const char* where, const char* op, int64_t m, int64_t k, int64_t n) {
    if (clock) clock->mark(step(where, op, m, k, n));
  };
  const int64_t n = plan_.num_local();
  EpochMetrics metrics;
  const Metrics train = forward(epoch, true, Split::Train, d_logits_.data.data());
  metrics.train_loss = train.loss;
  metrics.train_acc = train.accuracy;
  if (config_.val_from_train_forward) {
    const Metrics val = metrics_of_last_forward(Split::Val, nullptr);
    metrics.val_loss = val.loss;
    metrics.val_acc = val.accuracy;
  }
  mark("forward and loss (this rank's rows)", "rank_steps", n, widths_.front(), widths_.back());
  backward(epoch);
  mark("backward (this rank's rows)", "rank_steps", n, widths_.front(), widths_.back());
  all_reduce_gradients();
  mark("gradient all-reduce", "all_reduce", static_cast<int64_t>(flat_grads_.size()), 0, 0);
  adam_step();
  mark("adam", "adam_update", static_cast<int64_t>(flat_grads_.size()), 0, 0);
  if (!config_.val_from_train_forward) {
    const Metrics val = forward(epoch, false, Split::Val, nullptr);
    metrics.val_loss = val.loss;
    metrics.val_acc = val.accuracy;
    mark("val forward (this rank's rows)", "rank_steps", n, widths_.front(), widths_.back());
  }
  return metrics;
}

LossAndAccuracy DistributedGcn::evaluate(Split split) {
  const Metrics m = forward(0, false, split, nullptr);
  return {m.loss, m.accuracy};
}

DistributedGcn::Metrics DistributedGcn::forward(int epoch, bool training, Split split, float* d_logits) {
  const int64_t n = plan_.num_local();
  const auto ep = static_cast<uint32_t>(epoch);
  for (int l = 0; l < num_layers(); ++l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    const bool drop = training && config_.dropout > 0 && (l > 0 || config_.input_dropout);
    const auto layer = static_cast<uint32_t>(l);
    float* z_local = z_buffer_[l].row(aggregation_.local_offset());
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      if (drop) dropout_csr_rows(features_, dropped_features_, plan_.row_begin, config_.dropout, seed_, layer, ep);
      ref::spmm(drop ? dropped_features_ : features_, state_.params.weights[0].data.data(), out_w, z_local);
    } else {
      const float* input = l == 0 ? dense_features_.data.data() : outputs_[l - 1].data.data();
      float* dropped = inputs_[l].data.data();
      if (drop) {
        dropout_rows(input, dropped, n, in_w, plan_.row_begin, config_.dropout, seed_, layer, ep);
      } else {
        std::copy(input, input + n * in_w, dropped);
      }
      kernels_.gemm(dropped, state_.params.weights[l].data.data(), z_local, n, in_w, out_w);
    }
    if (config_.bias && config_.bias_before_aggregation)
      ref::add_bias(z_local, state_.params.biases[l].data(), n, out_w);
    aggregation_.forward(z_buffer_[l].data.data(), out_w, p_[l].data.data());
    if (config_.bias && !config_.bias_before_aggregation)
      ref::add_bias(p_[l].data.data(), state_.params.biases[l].data(), n, out_w);
    if (l + 1 < num_layers()) ref::relu_forward(p_[l].data.data(), outputs_[l].data.data(), n * out_w);
  }
  return metrics_of_last_forward(split, d_logits);
}

DistributedGcn::Metrics DistributedGcn::metrics_of_last_forward(Split split, float* d_logits) {
  const double count = split_count_[static_cast<int>(split)];
  // cpu-ref's loss over the local rows, the gradient divided by every rank's count.
  const LossSums local = ref::softmax_cross_entropy_sums(p_.back().data.data(), plan_.num_local(), widths_.back(),
                                                         labels_.data(), split_.data(), split, count, d_logits);
  double sums[2] = {local.loss_sum, local.correct};
  comm_->all_reduce_sum(sums, 2);
  if (count == 0) return {};
  return {sums[0] / count, sums[1] / count};
}

void DistributedGcn::backward(int epoch) {
  const int64_t n = plan_.num_local();
  const float* d_out = d_logits_.data.data();
  for (int l = num_layers() - 1; l >= 0; --l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    if (config_.bias && !config_.bias_before_aggregation)
      ref::bias_backward(d_out, state_.grads.biases[l].data(), n, out_w);
    Matrix<float>& d_z = d_z_[l];
    aggregation_.backward(d_out, out_w, d_z.data.data());
    if (config_.bias && config_.bias_before_aggregation)
      ref::bias_backward(d_z.data.data(), state_.grads.biases[l].data(), n, out_w);
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      const bool drop = config_.dropout > 0 && config_.input_dropout;
      ref::spmm_transposed(drop ? dropped_features_ : features_, d_z.data.data(), out_w,
                           state_.grads.weights[0].data.data());
    } else {
      kernels_.gemm_at_b(inputs_[l].data.data(), d_z.data.data(), state_.grads.weights[l].data.data(), n, in_w, out_w);
    }
    if (l == 0) break;
    // Gradient w.r.t. H_l = relu(P_{l-1}): through W_l^T, dropout's mask, then the ReLU.
    Matrix<float>& d_in = d_in_[l];
    kernels_.gemm_a_bt(d_z.data.data(), state_.params.weights[l].data.data(), d_in.data.data(), n, out_w, in_w);
    if (config_.dropout > 0)
      dropout_rows(d_in.data.data(), d_in.data.data(), n, in_w, plan_.row_begin, config_.dropout, seed_,
                   static_cast<uint32_t>(l), static_cast<uint32_t>(epoch));
    ref::relu_backward(outputs_[l - 1].data.data(), d_in.data.data(), n * in_w);
    d_out = d_in.data.data();
  }
}

// One all-reduce for every parameter's gradient: one launch, one latency, instead of 2L.
void DistributedGcn::all_reduce_gradients() {
  flat_grads_.clear();
  for (const auto& w : state_.grads.weights) flat_grads_.insert(flat_grads_.end(), w.data.begin(), w.data.end());
  if (config_.bias)
    for (const auto& b : state_.grads.biases) flat_grads_.insert(flat_grads_.end(), b.begin(), b.end());
  comm_->all_reduce_sum(flat_grads_.data(), static_cast<int64_t>(flat_grads_.size()));
  auto it = flat_grads_.begin();
  for (auto& w : state_.grads.weights) {
    std::copy(it, it + w.size(), w.data.begin());
    it += w.size();
  }
  if (config_.bias)
    for (auto& b : state_.grads.biases) {
      std::copy(it, it + static_cast<int64_t>(b.size()), b.begin());
      it += static_cast<int64_t>(b.size());
    }
}

void DistributedGcn::adam_step() { state_.update(config_, kernels_.adam_update); }

}  // namespace gcn::multigpu
