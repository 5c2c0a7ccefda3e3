// Backend `cuda`. load() uploads the problem once (the model, gcn.cuh); reset() uploads
// parameters and zeroes Adam; the first train_epoch() captures one whole epoch (forward, loss,
// backward, Adam, validation metrics, epoch counter) into a CUDA graph, and every epoch after
// that is one graph launch. Metrics stay in device memory until collect_metrics().
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "backends/cuda/cuda_check.cuh"
#include "backends/cuda/cuda_module.hpp"
#include "backends/cuda/device_handles.cuh"
#include "backends/cuda/device_memory.cuh"
#include "backends/cuda/gcn.cuh"
#include "backends/cuda/ops.cuh"
#include "backends/cuda/rank_backend.cuh"
#include "core/error.hpp"

namespace gcn {
namespace cuda {
namespace {

constexpr int64_t kMetricsCapacity = 4096;

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(const BackendOptions& options)
      : options_(options), device_(options.device), stream_(device_.stream()), mem_(device_.memory()) {
    state_.allocate(mem_, 1, "epoch state");
    metrics_.allocate(mem_, (kMetricsCapacity + 1) * 4, "metrics");
    GCN_CUDA_CHECK(cudaMemsetAsync(state_.get(), 0, sizeof(EpochState), stream_));
    GcnContext context;
    context.stream = stream_;
    context.dense = device_.dense();
    context.mem = &mem_;
    context.state = state_.get();
    context.mark = [this](StepTime s) { mark(std::move(s)); };
    gcn_.emplace(context);
  }

  ~CudaBackend() override {
    if (graph_exec_) cudaGraphExecDestroy(graph_exec_);
    drop_profiled_graph();
  }

  void load(const Problem& problem) override {
    if (graph_exec_) {
      GCN_CUDA_CHECK(cudaGraphExecDestroy(graph_exec_));
      graph_exec_ = nullptr;
    }
    drop_profiled_graph();
    loaded_ = false;
    gcn_->load(problem);
    loaded_ = true;
  }

  void reset(const Parameters<float>& params, uint64_t seed) override {
    require_loaded();
    gcn_->upload_parameters(params);
    EpochState s{};
    s.seed = seed;
    GCN_CUDA_CHECK(cudaMemcpyAsync(state_.get(), &s, sizeof s, cudaMemcpyHostToDevice, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    next_epoch_ = 0;
    pending_ = 0;
    host_metrics_.clear();
  }

  Parameters<float> parameters() override {
    require_loaded();
    return gcn_->download_parameters();
  }

  void train_epoch(int epoch) override {
    require_loaded();
    before_epoch(epoch);
    if (!graph_exec_) graph_exec_ = capture_epoch();
    GCN_CUDA_CHECK(cudaGraphLaunch(graph_exec_, stream_));
    ++pending_;
    next_epoch_ = static_cast<uint32_t>(epoch) + 1;
    if (options_.sync_every_epoch) GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  // The epoch as a graph of its own with an event recorded after every step: the steps run as
  // in train_epoch's graph, and the events time them on the device.
  std::vector<StepTime> profile_epoch(int epoch) override {
    require_loaded();
    before_epoch(epoch);
    if (!profiled_exec_) {
      drop_profiled_graph();
      GCN_CUDA_CHECK(cudaEventCreate(&profile_start_));
      marking_ = true;
      try {
        profiled_exec_ = capture_epoch();
      } catch (...) {
        marking_ = false;
        throw;
      }
      marking_ = false;
    }
    GCN_CUDA_CHECK(cudaGraphLaunch(profiled_exec_, stream_));
    ++pending_;
    next_epoch_ = static_cast<uint32_t>(epoch) + 1;
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    std::vector<StepTime> steps;
    cudaEvent_t previous = profile_start_;
    for (const auto& [s, event] : marks_) {
      float ms = 0;
      GCN_CUDA_CHECK(cudaEventElapsedTime(&ms, previous, event));
      steps.push_back(s);
      steps.back().ms = ms;
      previous = event;
    }
    return steps;
  }

  std::vector<EpochMetrics> collect_metrics() override {
    require_loaded();
    drain_metrics();
    return std::exchange(host_metrics_, {});
  }

  LossAndAccuracy evaluate(Split split) override {
    require_loaded();
    const int s = split == Split::Train ? 0 : split == Split::Val ? 1 : split == Split::Test ? 2 : -1;
    if (s < 0) fail("cuda: evaluate needs the train, val or test split");
    if (gcn_->split_count(s) == 0) return {};
    gcn_->forward(false, LastRows::Full);
    LossArgs la;
    la.logits = gcn_->logits_full();
    la.classes = gcn_->classes();
    la.row_of = gcn_->split_rows(s);
    la.labels = gcn_->split_labels(s);
    la.end0 = gcn_->split_count(s);
    la.end1 = gcn_->split_count(s);
    // The record past the last one the graph can write is evaluate()'s.
    la.out = metrics_.get() + kMetricsCapacity * 4;
    la.scratch = state_.get();
    softmax_cross_entropy(la, stream_);
    double result[2];
    GCN_CUDA_CHECK(cudaMemcpyAsync(result, la.out, sizeof result, cudaMemcpyDeviceToHost, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return {result[0], result[1]};
  }

  BackendInfo info() const override {
    BackendInfo info;
    info.name = "cuda";
    info.device = device_.device_name();
    info.threads = 1;
    info.peak_device_bytes = mem_.peak;
    info.device_free_bytes = device_.free_bytes();
    info.asynchronous = true;
    return info;
  }

 private:
  void require_loaded() const {
    if (!loaded_) fail("cuda: load() must come first");
  }

  // The graph counts epochs itself: resync it when told another epoch; drain full metrics.
  void before_epoch(int epoch) {
    if (static_cast<uint32_t>(epoch) != next_epoch_) {
      const uint32_t e = static_cast<uint32_t>(epoch);
      GCN_CUDA_CHECK(cudaMemcpyAsync(reinterpret_cast<char*>(state_.get()) + offsetof(EpochState, epoch), &e, sizeof e,
                                     cudaMemcpyHostToDevice, stream_));
      GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    }
    if (pending_ == kMetricsCapacity) drain_metrics();
  }

  // After a step is issued: while the profiled graph is captured, an event recorded into it.
  void mark(StepTime s) {
    if (!marking_) return;
    s.step = step_prefix_ + s.step;
    cudaEvent_t event = nullptr;
    GCN_CUDA_CHECK(cudaEventCreate(&event));
    marks_.push_back({std::move(s), event});
    GCN_CUDA_CHECK(cudaEventRecordWithFlags(event, stream_, cudaEventRecordExternal));
  }

  void drop_profiled_graph() {
    if (profiled_exec_) cudaGraphExecDestroy(profiled_exec_);
    profiled_exec_ = nullptr;
    for (auto& m : marks_) cudaEventDestroy(m.second);
    marks_.clear();
    if (profile_start_) cudaEventDestroy(profile_start_);
    profile_start_ = nullptr;
  }

  // The epoch as issued into the capturing stream.
  void issue_epoch() {
    step_prefix_.clear();
    if (marking_) GCN_CUDA_CHECK(cudaEventRecordWithFlags(profile_start_, stream_, cudaEventRecordExternal));
    CudaGcn& gcn = *gcn_;
    const int64_t num_train = gcn.num_train(), num_val = gcn.num_val();
    const bool val_from_train = gcn.config().val_from_train_forward && num_val > 0;
    gcn.forward(true, val_from_train ? LastRows::TrainVal : LastRows::Train);
    LossArgs la;
    la.logits = gcn.logits_s();
    la.classes = gcn.classes();
    la.labels = gcn.s_labels();
    la.end0 = num_train;
    la.end1 = num_train + (val_from_train ? num_val : 0);
    la.grad = gcn.dlogits();
    la.out = metrics_.get();
    la.out_offset[0] = 0;
    la.out_offset[1] = 2;
    la.slot_state = state_.get();
    la.scratch = state_.get();
    softmax_cross_entropy(la, stream_);
    mark(step("loss and its gradient", "softmax_cross_entropy", la.end1, 0, la.classes, 0, num_train));
    gcn.backward();
    gcn.adam_step();
    if (!gcn.config().val_from_train_forward && num_val > 0) {
      step_prefix_ = "val ";
      gcn.forward(false, LastRows::Val);
      LossArgs lv = la;
      lv.end0 = 0;
      lv.end1 = num_val;
      lv.grad = nullptr;
      // entries [0, num_val) read rows num_train.. of logits_s and labels_s: offset the pointers
      lv.logits = gcn.logits_s() + num_train * gcn.classes();
      lv.labels = gcn.s_labels() + num_train;
      softmax_cross_entropy(lv, stream_);
      mark(step("loss", "softmax_cross_entropy", num_val, 0, lv.classes));
      step_prefix_.clear();
    }
    end_epoch(state_.get(), stream_);
    mark(step("epoch counter", "epoch_counter", 0, 0, 0));
  }

  cudaGraphExec_t capture_epoch() {
    cudaGraphExec_t exec = nullptr;
    cudaGraph_t graph = nullptr;
    GCN_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    try {
      issue_epoch();
    } catch (...) {
      cudaStreamEndCapture(stream_, &graph);
      if (graph) cudaGraphDestroy(graph);
      throw;
    }
    GCN_CUDA_CHECK(cudaStreamEndCapture(stream_, &graph));
    const cudaError_t status = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    GCN_CUDA_CHECK(status);
    return exec;
  }

  void drain_metrics() {
    if (pending_ == 0) return;
    std::vector<double> raw(static_cast<size_t>(pending_) * 4);
    GCN_CUDA_CHECK(
        cudaMemcpyAsync(raw.data(), metrics_.get(), raw.size() * sizeof(double), cudaMemcpyDeviceToHost, stream_));
    const int32_t zero = 0;
    GCN_CUDA_CHECK(cudaMemcpyAsync(reinterpret_cast<char*>(state_.get()) + offsetof(EpochState, slot), &zero,
                                   sizeof zero, cudaMemcpyHostToDevice, stream_));
    GCN_CUDA_CHECK(cudaStreamSynchronize(stream_));
    for (int64_t i = 0; i < pending_; ++i) {
      EpochMetrics m;
      m.train_loss = raw[4 * i];
      m.train_acc = raw[4 * i + 1];
      m.val_loss = raw[4 * i + 2];
      m.val_acc = raw[4 * i + 3];
      host_metrics_.push_back(m);
    }
    pending_ = 0;
  }

  BackendOptions options_;
  DeviceHandles device_;  // first: every device array below counts against its memory counter
  cudaStream_t stream_;
  MemoryCounter& mem_;
  cudaGraphExec_t graph_exec_ = nullptr;
  // profile_epoch's graph, the events it records after each step and the one before the first.
  cudaGraphExec_t profiled_exec_ = nullptr;
  std::vector<std::pair<StepTime, cudaEvent_t>> marks_;
  cudaEvent_t profile_start_ = nullptr;
  bool marking_ = false;
  std::string step_prefix_;
  DeviceArray<EpochState> state_;
  DeviceArray<double> metrics_;

  std::optional<CudaGcn> gcn_;
  bool loaded_ = false;

  uint32_t next_epoch_ = 0;
  int64_t pending_ = 0;
  std::vector<EpochMetrics> host_metrics_;
};

}  // namespace
}  // namespace cuda

namespace cuda {

std::string device_unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    return std::string("no CUDA device: cudaGetDeviceCount returned ") + cudaGetErrorName(status) + " (" +
           cudaGetErrorString(status) + ")";
  }
  if (count == 0) return "no CUDA device: cudaGetDeviceCount found 0 devices";
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "cudaGetDeviceProperties(0) failed";
  if (prop.major < 9)
    return std::string("device 0 (") + prop.name + ") has compute capability " + std::to_string(prop.major) + "." +
           std::to_string(prop.minor) + "; this build carries sm_90 code and compute_90 PTX only";
  return {};
}

}  // namespace cuda
}  // namespace gcn

// The module's entry points (backends/cuda/cuda_module.hpp), the only symbols it exports.
GCNBENCH_CUDA_EXPORT gcn::Backend* gcnbench_cuda_make_backend(const gcn::BackendOptions* options) {
  if (options->gpus > 0) return gcn::cuda::make_rank_backend(*options);
  return new gcn::cuda::CudaBackend(*options);
}

GCNBENCH_CUDA_EXPORT void gcnbench_cuda_unavailable_reason(std::string* reason) {
  *reason = gcn::cuda::device_unavailable_reason();
}
