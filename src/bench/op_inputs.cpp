#include "bench/op_inputs.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

namespace gcn {
namespace {

std::vector<float> uniform_values(Rng& rng, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = static_cast<float>(rng.uniform(-1.0, 1.0));
  return v;
}

}  // namespace

OpInputs make_op_inputs(const std::string& op, int64_t m, int64_t k, int64_t n, const Csr<float>* adjacency,
                        uint64_t seed) {
  OpInputs in;
  in.op = op;
  in.m = m;
  in.k = k;
  in.n = n;
  in.dropout = {0.5, seed, 1, 0};
  Rng rng(seed);
  const auto values = [&](int64_t count) { return uniform_values(rng, count); };
  if (op == "spmm") {
    if (!adjacency) fail("op spmm needs a graph");
    in.adjacency = *adjacency;
    in.b = values(m * n);
  } else if (op == "gemm") {
    in.a = values(m * k);
    in.b = values(k * n);
  } else if (op == "gemm_at_b") {
    in.a = values(m * k);
    in.b = values(m * n);
  } else if (op == "gemm_a_bt") {
    in.a = values(m * n);
    in.b = values(k * n);
  } else if (op == "bias_relu_dropout") {
    in.a = values(m * n);
    in.bias = values(n);
  } else if (op == "relu_dropout_backward") {
    in.a = values(m * n);
    in.b = values(m * n);
  } else if (op == "bias_backward") {
    in.a = values(m * n);
  } else if (op == "softmax_cross_entropy") {
    in.a = values(m * n);
    in.labels.resize(static_cast<size_t>(m));
    in.split.resize(static_cast<size_t>(m));
    for (int64_t r = 0; r < m; ++r) {
      in.labels[r] = static_cast<int32_t>(rng.below(static_cast<uint64_t>(n)));
      in.split[r] = r % 3 == 0 ? Split::Train : r % 3 == 1 ? Split::Val : Split::Test;
    }
  } else if (op == "adam_update") {
    in.a = values(m);
    in.b = values(m);
  } else if (op == "copy") {
    in.a = values(m);
  } else if (op != "fma") {
    fail("op '" + op + "' is not one of gcnbench's (backends/op_runner.hpp)");
  }
  return in;
}

}  // namespace gcn
