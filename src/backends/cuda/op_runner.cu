// The cuda backend's ops on their own (backends/op_runner.hpp): each op is the launch its model
// makes, on device buffers that live as long as the prepared op, timed with CUDA events around
// back-to-back launches on one stream. Outputs start as NaN, so an op that leaves an element
// unwritten shows.
#include <cuda_runtime.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/cuda_module.hpp"
#include "backends/cuda/device_csr.cuh"
#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"
#include "core/error.hpp"

namespace gcn::cuda {
namespace {

class CudaPreparedOp final : public PreparedOp {
 public:
  explicit CudaPreparedOp(const BackendOptions& options) {
    GCN_CUDA_CHECK(cudaSetDevice(options.device));
    cudaDeviceProp prop{};
    GCN_CUDA_CHECK(cudaGetDeviceProperties(&prop, options.device));
    device_name_ = prop.name;
    sms_ = prop.multiProcessorCount;
    GCN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    GCN_CUBLAS_CHECK(cublasCreate(&cublas_));
    GCN_CUBLAS_CHECK(cublasSetStream(cublas_, stream_));
    GCN_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));  // fp32 FMA, no TF32, as the backend
    GCN_CUDA_CHECK(cudaEventCreate(&start_));
    GCN_CUDA_CHECK(cudaEventCreate(&stop_));
    state_.allocate(mem_, 1, "epoch state");
    GCN_CUDA_CHECK(cudaMemsetAsync(state_.get(), 0, sizeof(EpochState), stream_));
    workspace_.allocate(mem_, kDenseWorkspaceFloats, "product workspace");
    dense_ = DenseContext{cublas_, stream_, workspace_.get(), kDenseWorkspaceFloats, own_dense_kernels_enabled()};
  }
  ~CudaPreparedOp() override {
    cudaStreamSynchronize(stream_);
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
    cublasDestroy(cublas_);
    cudaStreamDestroy(stream_);
  }

  void prepare(const OpInputs& in);

  double time_ms(int executions) override {
    GCN_CUDA_CHECK(cudaEventRecord(start_, stream_));
    for (int i = 0; i < executions; ++i) launch_();
    GCN_CUDA_CHECK(cudaEventRecord(stop_, stream_));
    GCN_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    GCN_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return ms;
  }

  std::vector<float> output() override {
    std::vector<float> host(static_cast<size_t>(output_count_));
    if (output_count_ > 0)
      GCN_CUDA_CHECK(
          cudaMemcpyAsync(host.data(), output_, output_count_ * sizeof(float), cudaMemcpyDeviceToHost, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return host;
  }
  double flops_done() const override { return flops_; }
  std::string device_name() const override { return device_name_; }

 private:
  template <typename T>
  DeviceArray<T> up(const std::vector<T>& v, const char* what) {
    DeviceArray<T> d;
    d.upload(mem_, v, what, stream_);
    return d;
  }
  // A (rows x cols) stored as the backend stores its dense features and adjacency: rows padded
  // to padded_stride(cols) floats, with zeros.
  DeviceArray<float> up_padded(const std::vector<float>& v, int64_t rows, int64_t cols, const char* what) {
    const int64_t ld = padded_stride(cols);
    std::vector<float> padded(static_cast<size_t>(rows * ld), 0.f);
    for (int64_t r = 0; r < rows; ++r)
      std::copy_n(v.begin() + r * cols, cols, padded.begin() + r * ld);
    return up(padded, what);
  }
  DeviceArray<float> poisoned(int64_t count, const char* what) {
    DeviceArray<float> d(mem_, count, what);
    fill(d.get(), count, std::numeric_limits<float>::quiet_NaN(), stream_);
    return d;
  }
  // The dropout of `in` keyed by the state's seed and epoch, as the backend's kernels read it.
  DeviceDropout dropout(const DropoutSpec& d) {
    if (d.p <= 0) return {};
    EpochState s{};
    s.seed = d.seed;
    s.epoch = d.epoch;
    GCN_CUDA_CHECK(cudaMemcpyAsync(state_.get(), &s, sizeof s, cudaMemcpyHostToDevice, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return {state_.get(), d.layer, static_cast<float>(d.p), 1.f / (1.f - static_cast<float>(d.p))};
  }

  MemoryCounter mem_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  DeviceArray<float> workspace_;
  DenseContext dense_;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  std::string device_name_;
  int sms_ = 1;
  DeviceArray<EpochState> state_;
  DeviceCsr adjacency_;
  DeviceArray<float> a_, b_, c_, bias_, m_, v_, ones_;
  DeviceArray<int32_t> row_of_, labels_;
  DeviceArray<double> loss_out_;
  std::function<void()> launch_;
  const float* output_ = nullptr;
  int64_t output_count_ = 0;
  double flops_ = 0;
};

void CudaPreparedOp::prepare(const OpInputs& in) {
  const int64_t m = in.m, k = in.k, n = in.n;
  const std::string& op = in.op;
  if (!in.a.empty()) a_ = up(in.a, "op input a");
  if (!in.b.empty()) b_ = up(in.b, "op input b");
  if (op == "spmm") {
    if (n > kMaxSpmmWidth)
      fail("op spmm: width " + std::to_string(n) + " is over the cuda backend's " + std::to_string(kMaxSpmmWidth));
    adjacency_.upload(mem_, in.adjacency, "adjacency", stream_);
    c_ = poisoned(m * n, "op output");
    // Long rows go to the atomic path, which accumulates into a zeroed output: the zeroing is
    // part of the op, as in the backend's aggregation.
    launch_ = [this, m, n] {
      if (adjacency_.num_items > 0) GCN_CUDA_CHECK(cudaMemsetAsync(c_.get(), 0, m * n * sizeof(float), stream_));
      spmm(adjacency_.view(), b_.get(), n, c_.get(), ValueDropout{}, Epilogue{}, stream_);
    };
    output_count_ = m * n;
  } else if (op == "gemm") {
    if (static_cast<int64_t>(in.a.size()) != m * k) fail("op gemm: a must hold m x k values");
    a_ = up_padded(in.a, m, k, "op input a");
    c_ = poisoned(m * n, "op output");
    launch_ = [this, m, k, n] { gemm(dense_, a_.get(), padded_stride(k), b_.get(), c_.get(), m, k, n); };
    output_count_ = m * n;
  } else if (op == "gemm_at_b") {
    if (static_cast<int64_t>(in.a.size()) != m * k) fail("op gemm_at_b: a must hold m x k values");
    a_ = up_padded(in.a, m, k, "op input a");
    c_ = poisoned(k * n, "op output");
    launch_ = [this, m, k, n] { gemm_at_b(dense_, a_.get(), padded_stride(k), b_.get(), c_.get(), m, k, n); };
    output_count_ = k * n;
  } else if (op == "gemm_a_bt") {
    c_ = poisoned(m * k, "op output");
    launch_ = [this, m, k, n] { gemm_a_bt(dense_, a_.get(), b_.get(), c_.get(), m, n, k); };
    output_count_ = m * k;
  } else if (op == "bias_relu_dropout") {
    c_ = poisoned(m * n, "op output");
    bias_ = up(in.bias, "bias");
    Epilogue ep;
    ep.bias = bias_.get();
    ep.relu = true;
    ep.dropout = dropout(in.dropout);
    launch_ = [this, m, n, ep] { bias_relu_dropout(a_.get(), c_.get(), m, n, ep, stream_); };
    output_count_ = m * n;
  } else if (op == "relu_dropout_backward") {
    const float scale = 1.f / (1.f - static_cast<float>(in.dropout.p));
    launch_ = [this, m, n, scale] { relu_dropout_backward(a_.get(), b_.get(), m * n, scale, stream_); };
    output_ = b_.get();
    output_count_ = m * n;
  } else if (op == "bias_backward") {
    c_ = poisoned(n, "op output");
    ones_ = up(std::vector<float>(static_cast<size_t>(m), 1.f), "ones");
    launch_ = [this, m, n] { bias_backward(dense_, a_.get(), c_.get(), m, n, ones_.get()); };
    output_count_ = n;
  } else if (op == "softmax_cross_entropy") {
    // As the backend's loss reads it: the train rows (gradient), then the val rows (loss only).
    std::vector<int32_t> rows, labels;
    for (const Split want : {Split::Train, Split::Val})
      for (int64_t r = 0; r < m; ++r)
        if (in.split[r] == want) {
          rows.push_back(static_cast<int32_t>(r));
          labels.push_back(in.labels[r]);
        }
    int64_t train = 0;
    for (const Split s : in.split) train += s == Split::Train;
    row_of_ = up(rows, "loss rows");
    labels_ = up(labels, "loss labels");
    c_ = poisoned(std::max<int64_t>(1, train * n), "op output");
    loss_out_.allocate(mem_, 4, "loss out");
    LossArgs la;
    la.logits = a_.get();
    la.classes = static_cast<int>(n);
    la.row_of = row_of_.get();
    la.labels = labels_.get();
    la.end0 = train;
    la.end1 = static_cast<int64_t>(rows.size());
    la.grad = train > 0 ? c_.get() : nullptr;
    la.out = loss_out_.get();
    la.scratch = state_.get();
    launch_ = [this, la] { softmax_cross_entropy(la, stream_); };
    output_count_ = train * n;
  } else if (op == "adam_update") {
    m_ = up(std::vector<float>(static_cast<size_t>(m), 0.f), "adam m");
    v_ = up(std::vector<float>(static_cast<size_t>(m), 0.f), "adam v");
    EpochState s{};
    s.step = in.adam.step - 1;
    GCN_CUDA_CHECK(cudaMemcpyAsync(state_.get(), &s, sizeof s, cudaMemcpyHostToDevice, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    AdamArgs args;
    args.param = a_.get();
    args.grad = b_.get();
    args.m = m_.get();
    args.v = v_.get();
    args.num_segments = 1;
    args.seg_end[0] = m;
    args.weight_decay[0] = static_cast<float>(in.adam.weight_decay);
    args.lr = in.adam.lr;
    args.beta1 = in.adam.beta1;
    args.beta2 = in.adam.beta2;
    args.eps = in.adam.eps;
    args.state = state_.get();
    launch_ = [this, args] { adam_update(args, stream_); };
    output_ = a_.get();
    output_count_ = m;
  } else if (op == "copy") {
    c_ = poisoned(m, "op output");
    launch_ = [this, m] {
      GCN_CUDA_CHECK(cudaMemcpyAsync(c_.get(), a_.get(), m * sizeof(float), cudaMemcpyDeviceToDevice, stream_));
    };
    output_count_ = m;
  } else if (op == "fma") {
    c_ = poisoned(1, "probe sink");
    const int blocks = sms_ * 8;  // 2048 threads per SM: as many warps as an SM holds
    flops_ = fma_probe(c_.get(), m, blocks, stream_);
    launch_ = [this, m, blocks] { fma_probe(c_.get(), m, blocks, stream_); };
    output_count_ = 0;
  } else {
    fail("cuda has no op '" + op + "'");
  }
  if (!output_ && output_count_ > 0) output_ = c_.get();
  GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

}  // namespace
}  // namespace gcn::cuda

GCNBENCH_CUDA_EXPORT gcn::PreparedOp* gcnbench_cuda_prepare_op(const gcn::OpInputs* inputs,
                                                               const gcn::BackendOptions* options) {
  gcn::check_op_inputs(*inputs);
  auto op = std::make_unique<gcn::cuda::CudaPreparedOp>(*options);
  op->prepare(*inputs);
  return op.release();
}
