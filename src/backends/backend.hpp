// The seam between the training loop (model/trainer.cpp, written once) and the compute
// backends (cpu-ref, cpu, cuda). A backend owns the problem's data in its own memory, the
// parameters and the Adam state, and runs whole epochs: a coarse interface on purpose, so that
// a GPU backend can keep everything on the device and replay an epoch as one CUDA graph.
//
// Semantics every backend implements identically (cpu-ref is the executable definition):
//  forward, layer l = 0..L-1, input H_0 = X:
//    D_l = dropout(H_l)   mask of layer l: dropout_keep(seed, l, epoch, i*width+j, p) (core/philox.hpp);
//                          layer 0 only if config.input_dropout; none in eval mode
//    Z_l = D_l W_l (+ b_l if bias_before_aggregation)
//    P_l = A_hat Z_l (+ b_l otherwise)
//    H_{l+1} = relu(P_l) for l < L-1; logits = P_{L-1}
//  loss: mean softmax cross-entropy over train nodes; accuracy: argmax (first maximum) == label.
//  gradient: exact backward of the above, plus weight_decay * param for the decayed parameters;
//  Adam as torch.optim.Adam (bias-corrected, eps added to sqrt(v_hat)); step counter from 1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/step_profile.hpp"
#include "backends/types.hpp"
#include "data/dataset.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn {

struct EpochMetrics {
  double train_loss = 0, train_acc = 0;  // of the training forward (dropout on)
  double val_loss = 0, val_acc = 0;      // eval forward, or the training forward (val_from_train_forward)
  // Bit-for-bit equality (a NaN equals nothing): how replicated ranks are checked to agree.
  bool operator==(const EpochMetrics&) const = default;
};

struct BackendOptions {
  int threads = 0;                  // cpu: 0 = all cores
  int device = 0;                   // cuda: device ordinal
  bool sync_every_epoch = false;    // cuda: read metrics back after every epoch
  int ranks = 0;                    // cpu-ref, cpu: >= 1 trains as that many simulated ranks
                                    // (backends/multigpu/backend.hpp); 0: one device
  // cuda: >= 1 makes this process rank `gpu_rank` of a group of `gpus` processes, one per GPU,
  // that train together over NCCL (train --gpus N starts them: train/rank_launcher.hpp); rank
  // 0 hands the group's NCCL id to the others through the file `rendezvous`. 0: one device.
  int gpus = 0;
  int gpu_rank = 0;
  std::string rendezvous;
};

struct BackendInfo {
  std::string name;                 // "cpu-ref", "cpu", "cuda"
  std::string device;               // "Intel Xeon ... (2 threads)", "NVIDIA H100 80GB HBM3"
  int threads = 1;
  uint64_t peak_device_bytes = 0;   // device memory high-water mark (GPU backends)
  uint64_t device_free_bytes = 0;   // device memory free now (GPU backends; 0: no device)
  bool asynchronous = false;        // train_epoch may return before the work is done
  int ranks = 0;                    // ranks of a --ranks or --gpus run; 0: one device
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Takes the problem (data uploaded once; dense copies made here if the config asks).
  virtual void load(const Problem& problem) = 0;
  // Sets parameters, zeroes Adam state and the step counter; `seed` keys the dropout masks.
  virtual void reset(const Parameters<float>& params, uint64_t seed) = 0;
  virtual Parameters<float> parameters() = 0;

  // One epoch: training forward, loss, backward, Adam step, validation metrics. May return
  // before the device has finished; metrics stay on the backend until collect_metrics().
  virtual void train_epoch(int epoch) = 0;
  // Waits for queued work and returns the metrics of the epochs run since the last call.
  virtual std::vector<EpochMetrics> collect_metrics() = 0;
  // train_epoch, with the time of each of its steps (forward, loss, backward, Adam, validation),
  // in the order they ran, each finished before the next is timed. For `gcnbench train
  // --profile`; its metrics are collected as train_epoch's.
  virtual std::vector<StepTime> profile_epoch(int epoch) = 0;
  // Eval-mode forward (no dropout); loss and accuracy over the nodes of `split`.
  virtual LossAndAccuracy evaluate(Split split) = 0;

  virtual BackendInfo info() const = 0;
};

// Names of the backends compiled into this binary, in registry order.
std::vector<std::string> compiled_backends();
// Names of the backends that can run here (cuda only with a usable GPU), with the reason for
// each one that cannot in `unavailable` as "name: reason".
std::vector<std::string> available_backends(std::vector<std::string>* unavailable = nullptr);
// The compiled backends, then cuda when this build lacks it (a benchmark lists it as skipped).
std::vector<std::string> known_backends();
// Empty when backend `name` can run here, else why not (built without CUDA, no usable GPU).
// Throws gcn::Error naming the known backends for a name that is none of them.
std::string backend_skip_reason(const std::string& name);
// Throws gcn::Error for an unknown name or a backend that cannot run here (saying why), for
// options.ranks on a backend that has no simulated-rank form (cuda), and for options.gpus on
// one that does not run on GPUs.
std::unique_ptr<Backend> make_backend(const std::string& name, const BackendOptions& options);

}  // namespace gcn
