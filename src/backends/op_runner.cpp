#include "backends/op_runner.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace gcn {
namespace {

void expect_size(const OpInputs& in, const char* what, size_t got, int64_t want) {
  if (want < 0 || got != static_cast<size_t>(want))
    fail("op " + in.op + ": " + what + " holds " + std::to_string(got) + " values, the shape (m " +
         std::to_string(in.m) + ", k " + std::to_string(in.k) + ", n " + std::to_string(in.n) + ") needs " +
         std::to_string(want));
}

}  // namespace

const std::vector<std::string>& vocabulary_ops() {
  static const std::vector<std::string> ops = {"spmm",
                                               "gemm",
                                               "gemm_at_b",
                                               "gemm_a_bt",
                                               "bias_relu_dropout",
                                               "relu_dropout_backward",
                                               "bias_backward",
                                               "softmax_cross_entropy",
                                               "adam_update",
                                               "copy",
                                               "fma"};
  return ops;
}

bool is_vocabulary_op(const std::string& op) {
  const auto& ops = vocabulary_ops();
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

void check_op_inputs(const OpInputs& in) {
  if (!is_vocabulary_op(in.op)) fail("unknown op '" + in.op + "'");
  if (in.m < 0 || in.k < 0 || in.n < 0) fail("op " + in.op + ": negative dimension");
  const int64_t m = in.m, k = in.k, n = in.n;
  const std::string& op = in.op;
  if (op == "spmm") {
    if (in.adjacency.rows != m || in.adjacency.cols != m)
      fail("op spmm: the adjacency is " + std::to_string(in.adjacency.rows) + " x " +
           std::to_string(in.adjacency.cols) + ", m is " + std::to_string(m));
    expect_size(in, "b", in.b.size(), m * n);
  } else if (op == "gemm") {
    expect_size(in, "a", in.a.size(), m * k);
    expect_size(in, "b", in.b.size(), k * n);
  } else if (op == "gemm_at_b") {
    expect_size(in, "a", in.a.size(), m * k);
    expect_size(in, "b", in.b.size(), m * n);
  } else if (op == "gemm_a_bt") {
    expect_size(in, "a", in.a.size(), m * n);
    expect_size(in, "b", in.b.size(), k * n);
  } else if (op == "bias_relu_dropout") {
    expect_size(in, "a", in.a.size(), m * n);
    expect_size(in, "bias", in.bias.size(), n);
  } else if (op == "relu_dropout_backward") {
    expect_size(in, "a", in.a.size(), m * n);
    expect_size(in, "b", in.b.size(), m * n);
  } else if (op == "bias_backward") {
    expect_size(in, "a", in.a.size(), m * n);
  } else if (op == "softmax_cross_entropy") {
    expect_size(in, "a", in.a.size(), m * n);
    expect_size(in, "labels", in.labels.size(), m);
    expect_size(in, "split", in.split.size(), m);
    for (int32_t label : in.labels)
      if (label < 0 || label >= n) fail("op softmax_cross_entropy: a label outside 0.." + std::to_string(n - 1));
  } else if (op == "adam_update") {
    expect_size(in, "a", in.a.size(), m);
    expect_size(in, "b", in.b.size(), m);
  } else if (op == "copy") {
    expect_size(in, "a", in.a.size(), m);
  }
  if (in.dropout.p < 0 || in.dropout.p >= 1) fail("op " + op + ": dropout p outside [0, 1)");
}

}  // namespace gcn
