// The steps of one training epoch, each with the op it runs, its shape and its time: what
// Backend::profile_epoch returns and `gcnbench train --profile` reports. A step's cost (bytes,
// flops) is op_cost of its op and shape (backends/op_cost.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gcn {

struct StepTime {
  std::string step;  // where in the epoch: "forward L1 aggregate", "adam", ...
  std::string op;    // the op it runs: spmm, gemm, bias_relu_dropout, ... (op_cost's names)
  int64_t m = 0, k = 0, n = 0, entries = 0, train = 0;  // op_cost's arguments
  double ms = 0;
};

// A step as the backends name it before it is timed.
inline StepTime step(std::string where, std::string op, int64_t m, int64_t k, int64_t n, int64_t entries = 0,
                     int64_t train = 0) {
  return StepTime{std::move(where), std::move(op), m, k, n, entries, train, 0};
}

// "L2 aggregate": the name of a step of layer `layer` (counted from 1).
inline std::string layer_step(int64_t layer, const char* what) {
  std::string name("L");
  name.append(std::to_string(layer)).append(" ").append(what);
  return name;
}

// The host backends' clock: mark() after each step takes the steady-clock time since the
// previous mark (or start()).
class StepClock {
 public:
  void start() {
    steps_.clear();
    last_ = std::chrono::steady_clock::now();
  }
  void mark(StepTime s) {
    const auto now = std::chrono::steady_clock::now();
    s.ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    steps_.push_back(std::move(s));
  }
  std::vector<StepTime> take() { return std::exchange(steps_, {}); }

 private:
  std::chrono::steady_clock::time_point last_;
  std::vector<StepTime> steps_;
};

}  // namespace gcn
