// The test hooks of test_hooks.hpp: one kernel per call, on its own stream, synchronized.
#include "cuda/test_hooks.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "backends/cuda/cuda_module.hpp"
#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/ops.cuh"

namespace gcn::cuda_test {
namespace {

using cuda::DeviceArray;

struct Context {
  cuda::MemoryCounter mem;
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;
  DeviceArray<cuda::EpochState> state;
  DeviceArray<float> workspace;
  cuda::DenseContext dense;
  Context() {
    GCN_CUDA_CHECK(cudaStreamCreate(&stream));
    GCN_CUBLAS_CHECK(cublasCreate(&cublas));
    GCN_CUBLAS_CHECK(cublasSetStream(cublas, stream));
    GCN_CUBLAS_CHECK(cublasSetMathMode(cublas, CUBLAS_DEFAULT_MATH));
    state.allocate(mem, 1, "state");
    GCN_CUDA_CHECK(cudaMemsetAsync(state.get(), 0, sizeof(cuda::EpochState), stream));
    workspace.allocate(mem, cuda::kDenseWorkspaceFloats, "product workspace");
    dense = cuda::DenseContext{cublas, stream, workspace.get(), cuda::kDenseWorkspaceFloats, true};
  }
  ~Context() {
    cublasDestroy(cublas);
    cudaStreamDestroy(stream);
  }
  template <typename T>
  DeviceArray<T> up(const std::vector<T>& v) {
    DeviceArray<T> d;
    d.upload(mem, v, "test input", stream);
    return d;
  }
  DeviceArray<float> poisoned(int64_t count) {
    DeviceArray<float> d(mem, count, "test output");
    cuda::fill(d.get(), count, std::numeric_limits<float>::quiet_NaN(), stream);
    return d;
  }
  template <typename T>
  std::vector<T> down(const DeviceArray<T>& d, int64_t count) {
    std::vector<T> v(static_cast<size_t>(count));
    if (count > 0) GCN_CUDA_CHECK(cudaMemcpyAsync(v.data(), d.get(), count * sizeof(T), cudaMemcpyDeviceToHost, stream));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream));
    return v;
  }
  // Sets the state's seed and epoch; returns a spec reading them.
  cuda::DeviceDropout spec(const DropoutSpec& d) {
    if (d.p <= 0) return {};
    cuda::EpochState s{};
    s.seed = d.seed;
    s.epoch = d.epoch;
    GCN_CUDA_CHECK(cudaMemcpy(state.get(), &s, sizeof s, cudaMemcpyHostToDevice));
    return {state.get(), d.layer, static_cast<float>(d.p), 1.f / (1.f - static_cast<float>(d.p))};
  }
};

Context& context() {
  static Context c;
  return c;
}

}  // namespace

std::string unavailable_reason() {
  std::string reason;
  gcnbench_cuda_unavailable_reason(&reason);
  return reason;
}

std::vector<float> spmm(const Csr<float>& a, const std::vector<float>& b, int64_t width, const DropoutSpec& value_dropout,
                        int64_t mask_cols, bool transposed_mask, const std::vector<float>* bias, bool relu,
                        const DropoutSpec& out_dropout, int64_t item_len) {
  Context& c = context();
  if (value_dropout.p > 0 && out_dropout.p > 0 &&
      (value_dropout.seed != out_dropout.seed || value_dropout.epoch != out_dropout.epoch))
    fail("test hook: both dropouts share one seed and epoch");
  auto row_ptr = c.up(a.row_ptr);
  auto col = c.up(a.col);
  auto val = c.up(a.val);
  auto db = c.up(b);
  std::vector<int32_t> ir;
  std::vector<int64_t> ib;
  if (item_len < 0) item_len = cuda::spmm_item_length(a.row_ptr);
  if (item_len > 0) cuda::spmm_items(a.row_ptr, item_len, ir, ib);
  auto item_row = c.up(ir);
  auto item_begin = c.up(ib);
  cuda::CsrView v{a.rows, a.cols, row_ptr.get(), col.get(), val.get(), static_cast<int64_t>(ir.size()), item_row.get(),
                  item_begin.get(), item_len};
  cuda::ValueDropout vd{c.spec(value_dropout), mask_cols, transposed_mask};
  cuda::Epilogue ep;
  DeviceArray<float> dbias;
  if (bias) {
    dbias = c.up(*bias);
    ep.bias = dbias.get();
  }
  ep.relu = relu;
  ep.dropout = c.spec(out_dropout);
  if (value_dropout.p > 0) vd.dropout = c.spec(value_dropout);
  auto out = c.poisoned(a.rows * width);
  if (!ir.empty()) GCN_CUDA_CHECK(cudaMemsetAsync(out.get(), 0, a.rows * width * sizeof(float), c.stream));
  cuda::spmm(v, db.get(), width, out.get(), vd, ep, c.stream);
  return c.down(out, a.rows * width);
}

int64_t spmm_item_length(const std::vector<int64_t>& row_ptr) { return cuda::spmm_item_length(row_ptr); }

void spmm_items(const std::vector<int64_t>& row_ptr, int64_t item_len, std::vector<int32_t>& item_row,
                std::vector<int64_t>& item_begin) {
  cuda::spmm_items(row_ptr, item_len, item_row, item_begin);
}

std::vector<float> bias_relu_dropout(const std::vector<float>& in, int64_t rows, int64_t width, const std::vector<float>* bias,
                            bool relu, const DropoutSpec& dropout) {
  Context& c = context();
  auto din = c.up(in);
  cuda::Epilogue ep;
  DeviceArray<float> dbias;
  if (bias) {
    dbias = c.up(*bias);
    ep.bias = dbias.get();
  }
  ep.relu = relu;
  ep.dropout = c.spec(dropout);
  auto out = c.poisoned(rows * width);
  cuda::bias_relu_dropout(din.get(), out.get(), rows, width, ep, c.stream);
  return c.down(out, rows * width);
}

std::vector<float> relu_dropout_backward(const std::vector<float>& d, const std::vector<float>& g, float scale) {
  Context& c = context();
  auto dg = c.up(g);
  auto dd = c.up(d);
  cuda::relu_dropout_backward(dd.get(), dg.get(), static_cast<int64_t>(g.size()), scale, c.stream);
  return c.down(dg, static_cast<int64_t>(g.size()));
}

Loss softmax_cross_entropy(const std::vector<float>& logits, int classes, const std::vector<int32_t>& row_of,
                           const std::vector<int32_t>& labels, int64_t end0) {
  Context& c = context();
  auto dl = c.up(logits);
  auto drow = c.up(row_of);
  auto dlab = c.up(labels);
  DeviceArray<double> out(c.mem, 4, "loss out");
  std::vector<double> nan4(4, std::numeric_limits<double>::quiet_NaN());
  out.upload(nan4.data(), 4, c.stream);
  auto grad = c.poisoned(std::max<int64_t>(1, end0 * classes));
  cuda::LossArgs la;
  la.logits = dl.get();
  la.classes = classes;
  la.row_of = row_of.empty() ? nullptr : drow.get();
  la.labels = dlab.get();
  la.end0 = end0;
  la.end1 = static_cast<int64_t>(labels.size());
  la.grad = end0 > 0 ? grad.get() : nullptr;
  la.out = out.get();
  la.scratch = c.state.get();
  cuda::softmax_cross_entropy(la, c.stream);
  const auto o = c.down(out, 4);
  Loss r{o[0], o[1], o[2], o[3], {}};
  r.grad = c.down(grad, end0 * classes);
  return r;
}

void adam_update(std::vector<float>& param, const std::vector<float>& grad, std::vector<float>& m, std::vector<float>& v,
          const std::vector<int64_t>& seg_end, const std::vector<float>& weight_decay, const AdamSettings& s,
          int64_t step) {
  Context& c = context();
  auto dp = c.up(param);
  auto dg = c.up(grad);
  auto dm = c.up(m);
  auto dv = c.up(v);
  cuda::EpochState st{};
  st.step = step - 1;
  GCN_CUDA_CHECK(cudaMemcpy(c.state.get(), &st, sizeof st, cudaMemcpyHostToDevice));
  cuda::AdamArgs a;
  a.param = dp.get();
  a.grad = dg.get();
  a.m = dm.get();
  a.v = dv.get();
  a.num_segments = static_cast<int>(seg_end.size());
  for (size_t i = 0; i < seg_end.size(); ++i) {
    a.seg_end[i] = seg_end[i];
    a.weight_decay[i] = weight_decay[i];
  }
  a.lr = s.lr;
  a.beta1 = s.beta1;
  a.beta2 = s.beta2;
  a.eps = s.eps;
  a.state = c.state.get();
  cuda::adam_update(a, c.stream);
  const auto n = static_cast<int64_t>(param.size());
  param = c.down(dp, n);
  m = c.down(dm, n);
  v = c.down(dv, n);
}

std::vector<float> gemm(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k, int64_t n) {
  Context& c = context();
  auto da = c.up(a), db = c.up(b);
  auto out = c.poisoned(m * n);
  cuda::gemm(c.dense, da.get(), k, db.get(), out.get(), m, k, n);
  return c.down(out, m * n);
}

std::vector<float> gemm_at_b(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k, int64_t n) {
  Context& c = context();
  auto da = c.up(a), db = c.up(b);
  auto out = c.poisoned(k * n);
  cuda::gemm_at_b(c.dense, da.get(), k, db.get(), out.get(), m, k, n);
  return c.down(out, k * n);
}

std::vector<float> gemm_a_bt(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t n, int64_t k) {
  Context& c = context();
  auto da = c.up(a), db = c.up(b);
  auto out = c.poisoned(m * k);
  cuda::gemm_a_bt(c.dense, da.get(), db.get(), out.get(), m, n, k);
  return c.down(out, m * k);
}

std::vector<float> tall_product(const std::vector<float>& a, const std::vector<float>& b, int64_t m, int64_t k,
                                int64_t n, bool transposed, const DropoutSpec& drop) {
  Context& c = context();
  const int64_t ld = cuda::padded_stride(k);
  std::vector<float> padded(static_cast<size_t>(m * ld), 0.f);
  for (int64_t r = 0; r < m; ++r) std::copy_n(a.begin() + r * k, k, padded.begin() + r * ld);
  auto da = c.up(padded), db = c.up(b);
  DeviceArray<uint32_t> bits(c.mem, cuda::keep_bits_words(m * k), "test mask");
  cuda::InputMask mask;
  if (drop.p > 0) {
    const cuda::DeviceDropout d = c.spec(drop);
    cuda::dropout_keep_bits(d, m * k, bits.get(), c.stream);
    mask = cuda::InputMask{bits.get(), k, d.scale};
  }
  const int64_t count = transposed ? k * n : m * n;
  auto out = c.poisoned(count);
  if (transposed) {
    cuda::tall_gemm_at_b(c.dense, da.get(), ld, db.get(), out.get(), m, k, n, mask);
  } else {
    cuda::tall_gemm(c.dense, da.get(), ld, db.get(), out.get(), m, k, n, mask);
  }
  return c.down(out, count);
}

std::vector<float> bias_backward(const std::vector<float>& g, int64_t rows, int64_t width) {
  Context& c = context();
  auto dg = c.up(g);
  auto ones = c.up(std::vector<float>(static_cast<size_t>(rows), 1.f));
  auto out = c.poisoned(width);
  cuda::bias_backward(c.dense, dg.get(), out.get(), rows, width, ones.get());
  return c.down(out, width);
}

namespace {
template <typename F>
double median_ms(Context& c, int reps, F&& launch) {
  cudaEvent_t start, stop;
  GCN_CUDA_CHECK(cudaEventCreate(&start));
  GCN_CUDA_CHECK(cudaEventCreate(&stop));
  for (int i = 0; i < 3; ++i) launch();
  std::vector<float> times;
  for (int i = 0; i < reps; ++i) {
    GCN_CUDA_CHECK(cudaEventRecord(start, c.stream));
    launch();
    GCN_CUDA_CHECK(cudaEventRecord(stop, c.stream));
    GCN_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    GCN_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}
}  // namespace

double time_spmm_ms(const Csr<float>& a, int64_t width, int reps, double* bytes_moved) {
  Context& c = context();
  auto row_ptr = c.up(a.row_ptr);
  auto col = c.up(a.col);
  auto val = c.up(a.val);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> b(static_cast<size_t>(a.cols * width));
  for (auto& x : b) x = u(rng);
  auto db = c.up(b);
  DeviceArray<float> out(c.mem, a.rows * width, "out");
  cuda::CsrView v{a.rows, a.cols, row_ptr.get(), col.get(), val.get()};
  if (bytes_moved)
    *bytes_moved = static_cast<double>(a.nnz()) * 8 + static_cast<double>(a.rows + 1) * 8 +
                   static_cast<double>(a.rows + a.cols) * width * 4;
  return median_ms(c, reps, [&] { cuda::spmm(v, db.get(), width, out.get(), {}, {}, c.stream); });
}

double time_copy_ms(int64_t bytes, int reps) {
  Context& c = context();
  DeviceArray<char> src(c.mem, bytes, "copy src"), dst(c.mem, bytes, "copy dst");
  GCN_CUDA_CHECK(cudaMemsetAsync(src.get(), 1, bytes, c.stream));
  return median_ms(c, reps, [&] {
    GCN_CUDA_CHECK(cudaMemcpyAsync(dst.get(), src.get(), bytes, cudaMemcpyDeviceToDevice, c.stream));
  });
}

}  // namespace gcn::cuda_test
