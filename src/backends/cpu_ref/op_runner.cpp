// cpu-ref's ops on their own (backends/op_runner.hpp): each op is the reference kernel its model
// calls, on buffers that live as long as the prepared op. Outputs start as NaN, so an op that
// leaves an element unwritten shows.
#include <algorithm>
#include <memory>

#include "backends/cpu_ref/backend.hpp"
#include "backends/cpu_ref/ops.hpp"
#include "backends/host_prepared_op.hpp"
#include "core/error.hpp"

namespace gcn {

std::unique_ptr<PreparedOp> cpu_ref_prepare_op(const OpInputs& inputs, const BackendOptions&) {
  check_op_inputs(inputs);
  auto s = std::make_shared<HostOpBuffers>();
  s->in = inputs;
  OpInputs& in = s->in;
  const int64_t m = in.m, k = in.k, n = in.n;
  HostPreparedOp::Parts parts;
  parts.output = [s] { return s->c; };
  const std::string& op = in.op;
  if (op == "spmm") {
    s->c = nan_filled(m * n);
    parts.run = [s, n] { ref::spmm(s->in.adjacency, s->in.b.data(), n, s->c.data()); };
  } else if (op == "gemm") {
    s->c = nan_filled(m * n);
    parts.run = [s, m, k, n] { ref::gemm(s->in.a.data(), s->in.b.data(), s->c.data(), m, k, n); };
  } else if (op == "gemm_at_b") {
    s->c = nan_filled(k * n);
    parts.run = [s, m, k, n] { ref::gemm_at_b(s->in.a.data(), s->in.b.data(), s->c.data(), m, k, n); };
  } else if (op == "gemm_a_bt") {
    s->c = nan_filled(m * k);
    parts.run = [s, m, k, n] { ref::gemm_a_bt(s->in.a.data(), s->in.b.data(), s->c.data(), m, n, k); };
  } else if (op == "bias_relu_dropout") {
    s->c = nan_filled(m * n);
    parts.run = [s, m, n] {
      std::vector<float>& c = s->c;
      const DropoutSpec& d = s->in.dropout;
      std::copy(s->in.a.begin(), s->in.a.end(), c.begin());
      ref::add_bias(c.data(), s->in.bias.data(), m, n);
      ref::relu_forward(c.data(), c.data(), m * n);
      if (d.p > 0) ref::dropout(c.data(), c.data(), m, n, d.p, d.seed, d.layer, d.epoch);
    };
  } else if (op == "relu_dropout_backward") {
    // The reference's backward is the two steps its model takes: the ReLU's, then dropout's
    // scale (out > 0 already says which elements the mask kept).
    parts.run = [s, m, n] {
      const float scale = 1.f / (1.f - static_cast<float>(s->in.dropout.p));
      ref::relu_backward(s->in.a.data(), s->in.b.data(), m * n);
      for (float& g : s->in.b) g *= scale;
    };
    parts.output = [s] { return s->in.b; };
  } else if (op == "bias_backward") {
    s->c = nan_filled(n);
    parts.run = [s, m, n] { ref::bias_backward(s->in.a.data(), s->c.data(), m, n); };
  } else if (op == "softmax_cross_entropy") {
    s->m = nan_filled(m * n);
    parts.run = [s, m, n] {
      ref::softmax_cross_entropy(s->in.a.data(), m, n, s->in.labels, s->in.split, Split::Train, s->m.data());
      ref::softmax_cross_entropy<float>(s->in.a.data(), m, n, s->in.labels, s->in.split, Split::Val, nullptr);
    };
    parts.output = [s, n] { return train_rows(s->m, s->in.split, n); };
  } else if (op == "adam_update") {
    s->m.assign(static_cast<size_t>(m), 0.f);
    s->v.assign(static_cast<size_t>(m), 0.f);
    parts.run = [s, m] { ref::adam_update(s->in.a.data(), s->in.b.data(), s->m.data(), s->v.data(), m, s->in.adam); };
    parts.output = [s] { return s->in.a; };
  } else {
    fail("cpu-ref has no op '" + op +
         "' (its ops: the vocabulary of backends/op_runner.hpp, without the floor probes)");
  }
  return std::make_unique<HostPreparedOp>(std::move(parts), "host CPU, 1 thread (plain loops)");
}

}  // namespace gcn
