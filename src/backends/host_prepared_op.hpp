// PreparedOp for the host backends (cpu-ref, cpu): the op is a function over buffers the
// prepared op owns, timed with the steady clock. Each backend's op_runner.cpp builds one per op
// from its own kernels.
#pragma once

#include <chrono>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "backends/op_runner.hpp"

namespace gcn {

class HostPreparedOp final : public PreparedOp {
 public:
  struct Parts {
    std::function<void()> run;                   // one execution
    std::function<std::vector<float>()> output;  // PreparedOp::output
    std::function<void()> before;                // before each timing (a backend's thread count)
    double flops = 0;                            // PreparedOp::flops_done
  };
  HostPreparedOp(Parts parts, std::string device) : parts_(std::move(parts)), device_(std::move(device)) {}

  double time_ms(int executions) override {
    if (parts_.before) parts_.before();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < executions; ++i) parts_.run();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  std::vector<float> output() override { return parts_.output ? parts_.output() : std::vector<float>{}; }
  double flops_done() const override { return parts_.flops; }
  std::string device_name() const override { return device_; }

 private:
  Parts parts_;
  std::string device_;
};

// What a host backend's prepared op owns: its inputs, its output c, and the loss's gradient or
// Adam's moments in m and v.
struct HostOpBuffers {
  OpInputs in;
  std::vector<float> c, m, v;
};

// Outputs start as NaN, so an op that leaves an element unwritten shows.
inline std::vector<float> nan_filled(int64_t count) {
  return std::vector<float>(static_cast<size_t>(count), std::numeric_limits<float>::quiet_NaN());
}

// The train rows' gradient of a full (rows x classes) gradient, compacted in row order.
inline std::vector<float> train_rows(const std::vector<float>& grad, const std::vector<Split>& split, int64_t classes) {
  std::vector<float> out;
  for (size_t r = 0; r < split.size(); ++r)
    if (split[r] == Split::Train)
      out.insert(out.end(), grad.begin() + static_cast<int64_t>(r) * classes,
                 grad.begin() + static_cast<int64_t>(r + 1) * classes);
  return out;
}

}  // namespace gcn
