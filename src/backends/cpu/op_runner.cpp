// The cpu backend's ops on their own (backends/op_runner.hpp): each op is the kernel its model
// calls, on the backend's threads, on buffers that live as long as the prepared op. Outputs
// start as NaN, so an op that leaves an element unwritten shows.
#include <memory>

#include "backends/cpu/backend.hpp"
#include "backends/cpu/ops.hpp"
#include "backends/host_prepared_op.hpp"
#include "core/error.hpp"

namespace gcn {

std::unique_ptr<PreparedOp> cpu_prepare_op(const OpInputs& inputs, const BackendOptions& options) {
  check_op_inputs(inputs);
  if (options.threads < 0) fail("--threads must be 0 (all cores) or positive");
  auto s = std::make_shared<HostOpBuffers>();
  s->in = inputs;
  const int64_t m = inputs.m, k = inputs.k, n = inputs.n;
  const int requested_threads = options.threads;
  const int threads = cpu::set_threads(requested_threads);
  HostPreparedOp::Parts parts;
  parts.before = [requested_threads] { cpu::set_threads(requested_threads); };
  parts.output = [s] { return s->c; };
  const std::string& op = inputs.op;
  if (op == "spmm") {
    s->c = nan_filled(m * n);
    parts.run = [s, n] { cpu::spmm(s->in.adjacency, s->in.b.data(), n, s->c.data()); };
  } else if (op == "gemm") {
    s->c = nan_filled(m * n);
    parts.run = [s, m, k, n] { cpu::gemm(s->in.a.data(), k, s->in.b.data(), s->c.data(), m, k, n); };
  } else if (op == "gemm_at_b") {
    s->c = nan_filled(k * n);
    parts.run = [s, m, k, n] { cpu::gemm_at_b(s->in.a.data(), k, s->in.b.data(), s->c.data(), m, k, n); };
  } else if (op == "gemm_a_bt") {
    s->c = nan_filled(m * k);
    parts.run = [s, m, k, n] { cpu::gemm_a_bt(s->in.a.data(), s->in.b.data(), s->c.data(), m, n, k); };
  } else if (op == "bias_relu_dropout") {
    s->c = nan_filled(m * n);
    parts.run = [s, m, n] {
      cpu::bias_relu_dropout(s->in.a.data(), s->in.bias.data(), s->c.data(), m, n, s->in.dropout);
    };
  } else if (op == "relu_dropout_backward") {
    parts.run = [s, m, n] { cpu::relu_dropout_backward(s->in.a.data(), s->in.b.data(), m * n, s->in.dropout.p); };
    parts.output = [s] { return s->in.b; };
  } else if (op == "bias_backward") {
    s->c = nan_filled(n);
    parts.run = [s, m, n] { cpu::bias_backward(s->in.a.data(), s->c.data(), m, n); };
  } else if (op == "softmax_cross_entropy") {
    s->m = nan_filled(m * n);
    parts.run = [s, m, n] { cpu::softmax_cross_entropy(s->in.a.data(), m, n, s->in.labels, s->in.split, s->m.data()); };
    parts.output = [s, n] { return train_rows(s->m, s->in.split, n); };
  } else if (op == "adam_update") {
    s->m.assign(static_cast<size_t>(m), 0.f);
    s->v.assign(static_cast<size_t>(m), 0.f);
    parts.run = [s, m] { cpu::adam_update(s->in.a.data(), s->in.b.data(), s->m.data(), s->v.data(), m, s->in.adam); };
    parts.output = [s] { return s->in.a; };
  } else if (op == "copy") {
    s->c = nan_filled(m);
    parts.run = [s, m] { cpu::copy_probe(s->in.a.data(), s->c.data(), m); };
  } else if (op == "fma") {
    // One execution ahead of the timing gives its flop count: the probe rounds m down to whole
    // chains on every thread.
    parts.flops = cpu::fma_probe(m);
    parts.run = [m] { cpu::fma_probe(m); };
  } else {
    fail("cpu has no op '" + op + "'");
  }
  return std::make_unique<HostPreparedOp>(std::move(parts), cpu_device_name(threads));
}

}  // namespace gcn
