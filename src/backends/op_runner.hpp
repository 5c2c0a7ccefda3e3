// One op of the backends' vocabulary on its own, for `gcnbench ops` and the op conformance test:
// prepared once with its inputs in the backend's memory, then run back to back and timed by the
// backend's own clock (the host's steady clock, CUDA events on a GPU). Every backend registers
// a prepare_op beside its make (backends/registry.cpp), written in its folder's op_runner file,
// so that each op is the backend's own kernel, called as its model calls it.
//
// The ops and their operands (m, k, n as in OpInputs):
//   spmm                   c (m x n) = adjacency (m x m) * b (m x n)
//   gemm                   c (m x n) = a (m x k) * b (k x n)
//   gemm_at_b              c (k x n) = a^T * b, a (m x k), b (m x n)      (a weight's gradient)
//   gemm_a_bt              c (m x k) = a * b^T, a (m x n), b (k x n)      (an input's gradient)
//   bias_relu_dropout      c (m x n) = dropout(relu(a + bias))
//   relu_dropout_backward  b (m x n) = a > 0 ? b / (1 - p) : 0, in place on b
//   bias_backward          c (n) = column sums of a (m x n)
//   softmax_cross_entropy  logits a (m x n classes): train rows' loss and gradient, val rows' loss
//   adam_update            a (m parameters) updated from gradient b, moments starting at zero
//   copy                   c (m floats) = a: the copy-bandwidth floor probe
//   fma                    m fused multiply-adds spread over the device: the FMA-peak probe
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/types.hpp"
#include "core/csr.hpp"
#include "data/dataset.hpp"

namespace gcn {

struct OpInputs {
  std::string op;
  int64_t m = 0, k = 0, n = 0;
  Csr<float> adjacency;         // spmm
  std::vector<float> a, b;      // the operands named above
  std::vector<float> bias;      // bias_relu_dropout (n)
  std::vector<int32_t> labels;  // softmax_cross_entropy (m)
  std::vector<Split> split;     // softmax_cross_entropy (m): Train rows give the gradient, Val rows a loss
  DropoutSpec dropout;          // bias_relu_dropout, relu_dropout_backward (p)
  AdamSettings adam{0.01, 0.9, 0.999, 1e-8, 5e-3, 1};
};

class PreparedOp {
 public:
  virtual ~PreparedOp() = default;
  // Runs the op `executions` times back to back and returns the milliseconds they took, all of
  // them finished.
  virtual double time_ms(int executions) = 0;
  // The op's output after the executions so far (for the conformance test, after exactly one):
  // c above; b for relu_dropout_backward; the train rows' gradient (rows in order, compacted)
  // for softmax_cross_entropy; the parameters for adam_update; empty for fma.
  virtual std::vector<float> output() = 0;
  // The floating-point operations of one execution when the backend chooses them (fma spreads m
  // over its threads or blocks and may round it); 0: the catalog's count holds.
  virtual double flops_done() const { return 0; }
  // What the op runs on, as BackendInfo.device says it.
  virtual std::string device_name() const = 0;
};

// The ops every backend implements, in the order above.
const std::vector<std::string>& vocabulary_ops();
bool is_vocabulary_op(const std::string& op);

// Throws gcn::Error for an unknown backend or op, or inputs that do not match the op's shapes.
std::unique_ptr<PreparedOp> prepare_op(const std::string& backend, const OpInputs& inputs,
                                       const BackendOptions& options);

// The size checks every backend's prepare_op makes first.
void check_op_inputs(const OpInputs& inputs);

}  // namespace gcn
