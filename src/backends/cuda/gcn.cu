#include <cublas_v2.h>

#include <algorithm>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/dense_layout.hpp"
#include "backends/cuda/gcn.cuh"
#include "backends/optimizer.hpp"
#include "core/error.hpp"

namespace gcn::cuda {
namespace {

Csr<float> row_block(const Csr<float>& a, const std::vector<int32_t>& rows) {
  Csr<float> out;
  out.rows = static_cast<int64_t>(rows.size());
  out.cols = a.cols;
  out.row_ptr.push_back(0);
  for (int32_t r : rows) {
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      out.col.push_back(a.col[k]);
      out.val.push_back(a.val[k]);
    }
    out.row_ptr.push_back(out.nnz());
  }
  return out;
}

bool same_csr(const Csr<float>& a, const Csr<float>& b) {
  return a.rows == b.rows && a.cols == b.cols && a.row_ptr == b.row_ptr && a.col == b.col && a.val == b.val;
}

}  // namespace

void CudaGcn::load(const Problem& problem) {
  problem_ = &problem;
  config_ = problem.config;
  widths_ = problem.widths();
  n_ = problem.num_nodes;
  const int L = num_layers();
  if (problem.num_train == 0) fail("cuda: the problem has no training nodes");
  for (int l = 1; l <= L; ++l)
    if (widths_[l] > kMaxSpmmWidth)
      fail("cuda: layer width " + std::to_string(widths_[l]) + (l < L ? " (--hidden)" : " (the class count)") +
           " is more than the " + std::to_string(kMaxSpmmWidth) +
           " columns the cuda backend's SpMM takes; use --hidden " + std::to_string(kMaxSpmmWidth) +
           " or less, or --backend cpu");

  // S = train nodes then val nodes; labels in the same order.
  std::vector<int32_t> train_rows, val_rows, test_rows;
  for (int64_t i = 0; i < n_; ++i) {
    if (problem.split[i] == Split::Train) train_rows.push_back(static_cast<int32_t>(i));
    if (problem.split[i] == Split::Val) val_rows.push_back(static_cast<int32_t>(i));
    if (problem.split[i] == Split::Test) test_rows.push_back(static_cast<int32_t>(i));
  }
  num_train_ = static_cast<int64_t>(train_rows.size());
  num_val_ = static_cast<int64_t>(val_rows.size());
  std::vector<int32_t> s_rows = train_rows;
  s_rows.insert(s_rows.end(), val_rows.begin(), val_rows.end());
  auto labels_of = [&](const std::vector<int32_t>& rows) {
    std::vector<int32_t> out;
    for (int32_t r : rows) out.push_back(problem.labels[r]);
    return out;
  };
  s_labels_.upload(mem_, labels_of(s_rows), "labels", stream_);
  const std::vector<int32_t>* split_rows[3] = {&train_rows, &val_rows, &test_rows};
  for (int s = 0; s < 3; ++s) {
    split_rows_[s].upload(mem_, *split_rows[s], "split rows", stream_);
    split_labels_[s].upload(mem_, labels_of(*split_rows[s]), "split labels", stream_);
    split_count_[s] = static_cast<int64_t>(split_rows[s]->size());
  }

  // Adjacency: full A_hat, its transpose (shared when A_hat is symmetric), the row block S.
  const Csr<float> a_s = row_block(problem.adjacency, s_rows);
  s_row_ptr_ = a_s.row_ptr;
  if (config_.adjacency == AdjacencyMode::Sparse) {
    adj_.upload(mem_, problem.adjacency, "adjacency", stream_);
    const Csr<float> at = transpose(problem.adjacency);
    adj_symmetric_ = same_csr(at, problem.adjacency);
    if (!adj_symmetric_) adj_t_.upload(mem_, at, "adjacency transpose", stream_);
    adj_s_.upload(mem_, a_s, "adjacency rows", stream_);
    const Csr<float> a_train(row_block(problem.adjacency, train_rows));
    adj_train_t_.upload(mem_, transpose(a_train), "adjacency rows transpose", stream_);
  } else {
    adj_ld_ = padded_stride(n_);
    const double n2 =
        static_cast<double>(adj_ld_) * static_cast<double>(n_ + static_cast<int64_t>(s_rows.size())) * 4.0;
    size_t free_bytes = 0, total_bytes = 0;
    GCN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    if (n2 > 0.9 * static_cast<double>(free_bytes))
      fail("cuda: the dense adjacency of " + std::to_string(n_) + " nodes needs " + std::to_string(n2 / 1e9) +
           " GB of device memory, but only " + std::to_string(free_bytes / 1e9) + " GB are free; use --adj sparse");
    DeviceCsr tmp;
    tmp.upload(mem_, problem.adjacency, "adjacency (staging)", stream_);
    dense_adj_.allocate(mem_, n_ * adj_ld_, "dense adjacency");
    GCN_CUDA_CHECK(cudaMemsetAsync(dense_adj_.get(), 0, n_ * adj_ld_ * sizeof(float), stream_));
    DeviceCsr tmp_s;
    tmp_s.upload(mem_, a_s, "adjacency rows (staging)", stream_);
    dense_adj_s_.allocate(mem_, tmp_s.rows * adj_ld_, "dense adjacency rows");
    GCN_CUDA_CHECK(cudaMemsetAsync(dense_adj_s_.get(), 0, tmp_s.rows * adj_ld_ * sizeof(float), stream_));
    CsrView vs = tmp_s.view();
    vs.num_items = 0;
    CsrView va = tmp.view();
    va.num_items = 0;
    csr_to_dense(va, dense_adj_.get(), adj_ld_, stream_);
    csr_to_dense(vs, dense_adj_s_.get(), adj_ld_, stream_);
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  // Features: CSR (and its transpose for dW_0), or dense.
  const int64_t F = problem.num_features;
  aggregated_x_ = DeviceArray<float>();
  aggregated_training_ = false;
  if (config_.features == FeatureMode::Sparse) {
    features_.upload(mem_, problem.features, "features", stream_);
    features_t_.upload(mem_, transpose(problem.features), "features transpose", stream_);
  } else {
    // Rows padded to a multiple of 4 floats when the own first-layer products run; their input
    // dropout then comes from a bit mask, and no dropped copy of X is stored.
    const bool tall_first = dense_.own_kernels && own_first_layer_product(F, widths_[1]);
    x_ld_ = tall_first ? padded_stride(F) : F;
    fused_input_dropout_ = tall_first && config_.input_dropout && config_.dropout > 0;
    const bool dropped_copy = config_.input_dropout && config_.dropout > 0 && !fused_input_dropout_;
    const double bytes = static_cast<double>(n_) * static_cast<double>(x_ld_) * 4.0;
    size_t free_bytes = 0, total_bytes = 0;
    GCN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    if (bytes * (dropped_copy ? 2 : 1) > 0.9 * static_cast<double>(free_bytes))
      fail("cuda: the dense feature matrix needs " + std::to_string(bytes / 1e9) + " GB, only " +
           std::to_string(free_bytes / 1e9) + " GB free; use --features sparse");
    DeviceCsr tmp;
    tmp.upload(mem_, problem.features, "features (staging)", stream_);
    dense_x_.allocate(mem_, n_ * x_ld_, "dense features");
    GCN_CUDA_CHECK(cudaMemsetAsync(dense_x_.get(), 0, n_ * x_ld_ * sizeof(float), stream_));
    CsrView v = tmp.view();
    v.num_items = 0;
    csr_to_dense(v, dense_x_.get(), x_ld_, stream_);
    if (dropped_copy) dropped_x_.allocate(mem_, n_ * F, "dropped features");
    if (fused_input_dropout_) {
      x_keep_.allocate(mem_, keep_bits_words(n_ * F), "input dropout mask");
      GCN_CUDA_CHECK(cudaMemsetAsync(x_keep_.get(), 0, x_keep_.size() * sizeof(uint32_t), stream_));
    }
    const bool input_dropout = config_.input_dropout && config_.dropout > 0;
    if (aggregates_features_first(F, widths_[1], L, config_.bias && config_.bias_before_aggregation,
                                  config_.adjacency == AdjacencyMode::Sparse, !input_dropout,
                                  num_val_ > 0 && !config_.val_from_train_forward)) {
      // The padded columns are zeros in X, so they are zeros in A_hat X too.
      aggregated_x_.allocate(mem_, n_ * x_ld_, "aggregated features");
      if (adj_.num_items > 0)
        GCN_CUDA_CHECK(cudaMemsetAsync(aggregated_x_.get(), 0, n_ * x_ld_ * sizeof(float), stream_));
      spmm(adj_.view(), dense_x_.get(), x_ld_, aggregated_x_.get(), ValueDropout{}, Epilogue{}, stream_);
      aggregated_training_ = !input_dropout;
    }
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  params_.allocate(mem_, widths_, config_.bias);

  // Activations. z_: Z_l (n x widths[l+1]); d_[l]: dropped input of layer l >= 1 (n x widths[l]).
  int64_t max_out = 0, max_hidden = 1;
  for (int l = 0; l < L; ++l) max_out = std::max(max_out, widths_[l + 1]);
  for (int l = 1; l < L; ++l) max_hidden = std::max(max_hidden, widths_[l]);
  z_.allocate(mem_, n_ * max_out, "Z");
  d_.clear();
  d_.resize(L);
  for (int l = 1; l < L; ++l) d_[l].allocate(mem_, n_ * widths_[l], "hidden activations");
  const int64_t C = widths_.back();
  aggregate_first_ = L >= 2 && widths_[L - 1] < C && !(config_.bias && config_.bias_before_aggregation);
  if (aggregate_first_) {
    agg_s_.allocate(mem_, std::max<int64_t>(1, static_cast<int64_t>(s_rows.size())) * widths_[L - 1],
                    "last-layer aggregation");
    dagg_.allocate(mem_, num_train_ * widths_[L - 1], "last-layer aggregation gradient");
  }
  logits_s_.allocate(mem_, std::max<int64_t>(1, static_cast<int64_t>(s_rows.size())) * C, "logits");
  logits_full_.allocate(mem_, n_ * C, "logits (evaluate)");
  dlogits_.allocate(mem_, num_train_ * C, "logit gradient");
  gbuf_.allocate(mem_, n_ * max_hidden, "activation gradient");
  dzbuf_.allocate(mem_, n_ * max_out, "Z gradient");
  ones_.allocate(mem_, n_, "ones");
  fill(ones_.get(), n_, 1.f, stream_);
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void CudaGcn::upload_parameters(const Parameters<float>& params) { params_.upload(params, stream_); }

Parameters<float> CudaGcn::download_parameters() const { return params_.download(stream_); }

// The step of an aggregation over `which` rows at `width` columns (the transposed ones too).
StepTime CudaGcn::aggregate_step(std::string where, LastRows which, int64_t width) const {
  const int64_t rows = which == LastRows::Full    ? n_
                       : which == LastRows::Train ? num_train_
                       : which == LastRows::Val   ? num_val_
                                                  : num_train_ + num_val_;
  if (config_.adjacency == AdjacencyMode::Dense) return step(std::move(where), "gemm", rows, n_, width);
  int64_t entries = adj_.col.size();
  if (which == LastRows::Train) entries = s_row_ptr_[num_train_];
  if (which == LastRows::Val) entries = s_row_ptr_[num_train_ + num_val_] - s_row_ptr_[num_train_];
  if (which == LastRows::TrainVal) entries = s_row_ptr_[num_train_ + num_val_];
  return step(std::move(where), "spmm", rows, 0, width, entries);
}

// out (rows of `which` x width) = A_hat[rows] * in, then the epilogue.
void CudaGcn::aggregate(LastRows which, const float* in, int64_t width, float* out, const Epilogue& ep) {
  int64_t first = 0, count = n_;
  if (which == LastRows::Train) count = num_train_;
  if (which == LastRows::TrainVal) count = num_train_ + num_val_;
  if (which == LastRows::Val) first = num_train_, count = num_val_;
  const bool full = which == LastRows::Full;
  if (config_.adjacency == AdjacencyMode::Dense) {
    const float* a = full ? dense_adj_.get() : dense_adj_s_.get() + first * adj_ld_;
    gemm(dense_, a, adj_ld_, in, out, count, n_, width);
    if (ep.bias || ep.relu || ep.dropout.state) bias_relu_dropout(out, out, count, width, ep, stream_);
    return;
  }
  const DeviceCsr& a = full ? adj_ : adj_s_;
  if (a.num_items > 0) {
    // Long rows: atomic pieces into zeroed rows, then the epilogue on its own. (A row block
    // of a split matrix is taken whole here: rows outside it are computed and ignored.)
    GCN_CUDA_CHECK(cudaMemsetAsync(out - first * width, 0, a.rows * width * sizeof(float), stream_));
    spmm(a.view(), in, width, out - first * width, ValueDropout{}, Epilogue{}, stream_);
    if (ep.bias || ep.relu || ep.dropout.state) bias_relu_dropout(out, out, count, width, ep, stream_);
    return;
  }
  spmm(a.view(first, count), in, width, out, ValueDropout{}, ep, stream_);
}

// Forward pass. Training: dropout on; the last layer's rows are train (+ val when the val
// metrics come from this forward). Eval in the graph: val rows. evaluate(): all rows.
void CudaGcn::forward(bool training, LastRows last_rows) {
  const int L = num_layers();
  for (int l = 0; l < L; ++l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    const bool last = l == L - 1;
    const bool drop_in = training && config_.dropout > 0 && (l > 0 || config_.input_dropout);
    if (last && aggregate_first_) {
      forward_last_aggregate_first(last_rows);
      break;
    }
    float* z = z_.get();
    if (l == 0 && !last && aggregated_x_.get() && !drop_in) {
      gemm(dense_, aggregated_x_.get(), x_ld_, weight(0), z, n_, in_w, out_w);
      mark(step(layer_step(1, "product of the aggregated features"), "gemm", n_, in_w, out_w));
      Epilogue p_ep;
      p_ep.bias = bias(0);
      p_ep.relu = true;
      if (training && config_.dropout > 0) p_ep.dropout = dropout_spec(1);
      bias_relu_dropout(z, d_[1].get(), n_, out_w, p_ep, stream_);
      mark(step(layer_step(1, "activation"), "bias_relu_dropout", n_, 0, out_w));
      continue;
    }
    Epilogue z_ep;
    if (config_.bias && config_.bias_before_aggregation) z_ep.bias = bias(l);
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      ValueDropout vd;
      if (drop_in) vd = ValueDropout{dropout_spec(0), problem_->num_features, false};
      spmm(features_.view(), weight(0), out_w, z, vd, z_ep, stream_);
      mark(step(layer_step(l + 1, "product"), "spmm", n_, in_w, out_w, features_.col.size()));
    } else {
      const float* input = l > 0 ? d_[l].get() : dense_x_.get();
      int64_t ld = l > 0 ? in_w : x_ld_;
      InputMask mask;
      if (l == 0 && drop_in && fused_input_dropout_) {
        dropout_keep_bits(dropout_spec(0), n_ * in_w, x_keep_.get(), stream_);
        mark(step(layer_step(l + 1, "input dropout mask"), "dropout_mask", n_, 0, in_w));
        mask = input_mask();
      } else if (l == 0 && drop_in) {
        Epilogue drop;
        drop.dropout = dropout_spec(0);
        bias_relu_dropout(dense_x_.get(), dropped_x_.get(), n_, in_w, drop, stream_);
        mark(step(layer_step(l + 1, "input dropout"), "dropout", n_, 0, in_w));
        input = dropped_x_.get();
        ld = in_w;
      }
      gemm(dense_, input, ld, weight(l), z, n_, in_w, out_w, mask);
      mark(step(layer_step(l + 1, "product"), "gemm", n_, in_w, out_w));
      if (z_ep.bias) {
        bias_relu_dropout(z, z, n_, out_w, z_ep, stream_);
        mark(step(layer_step(l + 1, "bias"), "bias", n_, 0, out_w));
      }
    }
    Epilogue p_ep;
    if (config_.bias && !config_.bias_before_aggregation) p_ep.bias = bias(l);
    if (!last) {
      p_ep.relu = true;
      if (training && config_.dropout > 0) p_ep.dropout = dropout_spec(l + 1);
      aggregate(LastRows::Full, z, out_w, d_[l + 1].get(), p_ep);
      mark(aggregate_step(layer_step(l + 1, "aggregate and activation"), LastRows::Full, out_w));
    } else {
      float* out = last_rows == LastRows::Full
                       ? logits_full_.get()
                       : logits_s_.get() + (last_rows == LastRows::Val ? num_train_ * out_w : 0);
      aggregate(last_rows, z, out_w, out, p_ep);
      mark(aggregate_step(layer_step(l + 1, "aggregate"), last_rows, out_w));
    }
  }
}

// The last layer, aggregated first: P = A[rows] H, logits = P W + b. Training keeps P of
// the S rows in agg_s_ for the backward; evaluate() (Full) uses gbuf_, free outside it.
void CudaGcn::forward_last_aggregate_first(LastRows last_rows) {
  const int l = num_layers() - 1;
  const int64_t in_w = widths_[l], out_w = widths_[l + 1];
  const bool full = last_rows == LastRows::Full;
  const int64_t first = last_rows == LastRows::Val ? num_train_ : 0;
  const int64_t count = full                           ? n_
                        : last_rows == LastRows::Train ? num_train_
                        : last_rows == LastRows::Val   ? num_val_
                                                       : num_train_ + num_val_;
  float* p = full ? gbuf_.get() : agg_s_.get() + first * in_w;
  float* out = full ? logits_full_.get() : logits_s_.get() + first * out_w;
  aggregate(last_rows, d_[l].get(), in_w, p, Epilogue{});
  mark(aggregate_step(layer_step(l + 1, "aggregate"), last_rows, in_w));
  gemm(dense_, p, in_w, weight(l), out, count, in_w, out_w);
  mark(step(layer_step(l + 1, "product"), "gemm", count, in_w, out_w));
  if (config_.bias) {
    Epilogue ep;
    ep.bias = bias(l);
    bias_relu_dropout(out, out, count, out_w, ep, stream_);
    mark(step(layer_step(l + 1, "bias"), "bias", count, 0, out_w));
  }
}

// Backward of the aggregated-first last layer: dW = P_train^T dlogits, db = column sums,
// dP = dlogits W^T, and the hidden gradient g = A_train^T dP into gbuf_.
void CudaGcn::backward_last_aggregate_first() {
  const int l = num_layers() - 1;
  const int64_t in_w = widths_[l], out_w = widths_[l + 1];
  if (config_.bias) {
    bias_backward(dense_, dlogits_.get(), bias_grad(l), num_train_, out_w, ones_.get());
    mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", num_train_, 0, out_w));
  }
  gemm_at_b(dense_, agg_s_.get(), in_w, dlogits_.get(), weight_grad(l), num_train_, in_w, out_w);
  mark(step(layer_step(l + 1, "weight gradient"), "gemm_at_b", num_train_, in_w, out_w));
  gemm_a_bt(dense_, dlogits_.get(), weight(l), dagg_.get(), num_train_, out_w, in_w);
  mark(step(layer_step(l + 1, "aggregate input gradient"), "gemm_a_bt", num_train_, in_w, out_w));
  if (config_.adjacency == AdjacencyMode::Dense) {
    gemm_at_b(dense_, dense_adj_s_.get(), adj_ld_, dagg_.get(), gbuf_.get(), num_train_, n_, in_w);
  } else {
    if (adj_train_t_.num_items > 0) GCN_CUDA_CHECK(cudaMemsetAsync(gbuf_.get(), 0, n_ * in_w * sizeof(float), stream_));
    spmm(adj_train_t_.view(), dagg_.get(), in_w, gbuf_.get(), ValueDropout{}, Epilogue{}, stream_);
  }
  mark(aggregate_step(layer_step(l + 1, "aggregate gradient"), LastRows::Train, in_w));
}

// Backward from dlogits_ (train rows of S); gradients into grads_ (no weight decay).
void CudaGcn::backward() {
  const int L = num_layers();
  const bool dropout_on = config_.dropout > 0;
  const float scale = dropout_on ? 1.f / (1.f - static_cast<float>(config_.dropout)) : 1.f;
  for (int l = L - 1; l >= 0; --l) {
    const int64_t in_w = widths_[l], out_w = widths_[l + 1];
    const bool last = l == L - 1;
    if (last && aggregate_first_) {
      backward_last_aggregate_first();
      relu_dropout_backward(d_[l].get(), gbuf_.get(), n_ * in_w, scale, stream_);
      mark(step(layer_step(l, "activation gradient"), "relu_dropout_backward", n_, 0, in_w));
      continue;
    }
    float* dz = dzbuf_.get();
    if (last) {
      if (config_.bias && !config_.bias_before_aggregation) {
        bias_backward(dense_, dlogits_.get(), bias_grad(l), num_train_, out_w, ones_.get());
        mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", num_train_, 0, out_w));
      }
      if (config_.adjacency == AdjacencyMode::Dense) {
        gemm_at_b(dense_, dense_adj_s_.get(), adj_ld_, dlogits_.get(), dz, num_train_, n_, out_w);
      } else {
        if (adj_train_t_.num_items > 0) GCN_CUDA_CHECK(cudaMemsetAsync(dz, 0, n_ * out_w * sizeof(float), stream_));
        spmm(adj_train_t_.view(), dlogits_.get(), out_w, dz, ValueDropout{}, Epilogue{}, stream_);
      }
      mark(aggregate_step(layer_step(l + 1, "aggregate gradient"), LastRows::Train, out_w));
    } else {
      const float* g = gbuf_.get();
      if (config_.bias && !config_.bias_before_aggregation) {
        bias_backward(dense_, g, bias_grad(l), n_, out_w, ones_.get());
        mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n_, 0, out_w));
      }
      if (l == 0 && aggregated_training_) {
        gemm_at_b(dense_, aggregated_x_.get(), x_ld_, g, weight_grad(0), n_, in_w, out_w);
        mark(step(layer_step(1, "weight gradient from the aggregated features"), "gemm_at_b", n_, in_w, out_w));
        break;
      }
      if (config_.adjacency == AdjacencyMode::Dense) {
        gemm_at_b(dense_, dense_adj_.get(), adj_ld_, g, dz, n_, n_, out_w);
      } else {
        const DeviceCsr& at = adj_symmetric_ ? adj_ : adj_t_;
        if (at.num_items > 0) GCN_CUDA_CHECK(cudaMemsetAsync(dz, 0, n_ * out_w * sizeof(float), stream_));
        spmm(at.view(), g, out_w, dz, ValueDropout{}, Epilogue{}, stream_);
      }
      mark(aggregate_step(layer_step(l + 1, "aggregate gradient"), LastRows::Full, out_w));
    }
    if (config_.bias && config_.bias_before_aggregation) {
      bias_backward(dense_, dz, bias_grad(l), n_, out_w, ones_.get());
      mark(step(layer_step(l + 1, "bias gradient"), "bias_backward", n_, 0, out_w));
    }
    const bool drop_in = dropout_on && (l > 0 || config_.input_dropout);
    if (l == 0 && config_.features == FeatureMode::Sparse) {
      ValueDropout vd;
      if (drop_in) vd = ValueDropout{dropout_spec(0), problem_->num_features, true};
      if (features_t_.num_items > 0)
        GCN_CUDA_CHECK(cudaMemsetAsync(weight_grad(0), 0, in_w * out_w * sizeof(float), stream_));
      spmm(features_t_.view(), dz, out_w, weight_grad(0), vd, Epilogue{}, stream_);
      mark(step(layer_step(l + 1, "weight gradient"), "spmm", in_w, n_, out_w, features_t_.col.size()));
    } else {
      // The fused input dropout reads the mask its forward drew this epoch.
      const bool fused = l == 0 && drop_in && fused_input_dropout_;
      const bool dropped_copy = l == 0 && drop_in && !fused;
      const float* input = l > 0 ? d_[l].get() : dropped_copy ? dropped_x_.get() : dense_x_.get();
      const int64_t ld = l > 0 || dropped_copy ? in_w : x_ld_;
      gemm_at_b(dense_, input, ld, dz, weight_grad(l), n_, in_w, out_w, fused ? input_mask() : InputMask{});
      mark(step(layer_step(l + 1, "weight gradient"), "gemm_at_b", n_, in_w, out_w));
    }
    if (l == 0) break;
    gemm_a_bt(dense_, dz, weight(l), gbuf_.get(), n_, out_w, in_w);
    mark(step(layer_step(l + 1, "input gradient"), "gemm_a_bt", n_, in_w, out_w));
    relu_dropout_backward(d_[l].get(), gbuf_.get(), n_ * in_w, scale, stream_);
    mark(step(layer_step(l, "activation gradient"), "relu_dropout_backward", n_, 0, in_w));
  }
}

void CudaGcn::adam_step() {
  params_.adam_step(config_, state_, stream_);
  mark(step("adam", "adam_update", params_.count(), 0, 0));
}

}  // namespace gcn::cuda
