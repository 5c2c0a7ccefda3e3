// The op-level conformance suite: every op of the vocabulary (backends/op_runner.hpp), prepared
// on every backend this build has and this machine can run, from inputs drawn from a fresh
// printed seed, with outputs poisoned with NaN first (backends/*/op_runner.*), executed once and
// compared:
//   - the linear-algebra ops (spmm, the three products, bias_backward) and the pointwise ReLU
//     backward with a float64 reference written here, within 1e-5 of each element's sum of
//     absolute terms (fp32 accumulation in any order stays far inside that: below 2^-24 times
//     the number of terms, at most 64 here, plus the reduction's rounding);
//   - the ops whose masks and formulas are the oracle's to define (bias_relu_dropout, the loss's
//     gradient, adam_update) with cpu-ref, within 1e-5 relative + 1e-6 absolute (the same Philox
//     masks; only exp, sqrt and summation order differ);
//   - copy exactly; fma by its flop count.
// A backend that cannot run here (cuda without a GPU) is left out with its reason printed.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "backends/op_runner.hpp"
#include "bench/op_inputs.hpp"
#include "core/error.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

struct Shape {
  int64_t m, k, n;
};

// Odd sizes and the widths a GCN meets; the spmm widths cross the cuda kernels' paths (narrow,
// 16, wide rows).
const std::vector<Shape> kShapes = {{1, 1, 1}, {37, 5, 7}, {300, 33, 16}, {129, 64, 41}, {64, 3, 64}};

std::vector<std::string> runnable_backends() {
  std::vector<std::string> unavailable;
  const std::vector<std::string> names = available_backends(&unavailable);
  for (const auto& u : unavailable) std::cout << "[ skipped backend ] " << u << "\n";
  return names;
}

// A graph with empty rows, a long row and self loops: the adjacency's structure matters to spmm.
Csr<float> test_adjacency(std::mt19937_64& rng, int64_t m) {
  Csr<float> a = testing::random_csr(rng, m, m, 0.08);
  if (m > 2) {  // one long row: every column of row 1
    Csr<float> b;
    b.rows = b.cols = m;
    b.row_ptr.push_back(0);
    for (int64_t r = 0; r < m; ++r) {
      if (r == 1) {
        for (int64_t c = 0; c < m; ++c) {
          b.col.push_back(static_cast<int32_t>(c));
          b.val.push_back(0.5f - static_cast<float>(c % 7) * 0.1f);
        }
      } else {
        for (int64_t i = a.row_ptr[r]; i < a.row_ptr[r + 1]; ++i) {
          b.col.push_back(a.col[i]);
          b.val.push_back(a.val[i]);
        }
      }
      b.row_ptr.push_back(b.nnz());
    }
    return b;
  }
  return a;
}

struct Reference {
  std::vector<double> value, scale;  // scale: the sum of |terms| of each element
};

Reference reference_of(const OpInputs& in) {
  const int64_t m = in.m, k = in.k, n = in.n;
  Reference r;
  const auto sized = [&](int64_t count) {
    r.value.assign(static_cast<size_t>(count), 0.0);
    r.scale.assign(static_cast<size_t>(count), 0.0);
  };
  const auto add = [&](size_t i, double term) {
    r.value[i] += term;
    r.scale[i] += std::fabs(term);
  };
  if (in.op == "spmm") {
    sized(m * n);
    for (int64_t row = 0; row < m; ++row)
      for (int64_t e = in.adjacency.row_ptr[row]; e < in.adjacency.row_ptr[row + 1]; ++e)
        for (int64_t j = 0; j < n; ++j)
          add(row * n + j, double(in.adjacency.val[e]) * in.b[in.adjacency.col[e] * n + j]);
  } else if (in.op == "gemm") {
    sized(m * n);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j) add(i * n + j, double(in.a[i * k + p]) * in.b[p * n + j]);
  } else if (in.op == "gemm_at_b") {
    sized(k * n);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j) add(p * n + j, double(in.a[i * k + p]) * in.b[i * n + j]);
  } else if (in.op == "gemm_a_bt") {
    sized(m * k);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t p = 0; p < k; ++p)
        for (int64_t j = 0; j < n; ++j) add(i * k + p, double(in.a[i * n + j]) * in.b[p * n + j]);
  } else if (in.op == "bias_backward") {
    sized(n);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) add(j, in.a[i * n + j]);
  } else if (in.op == "relu_dropout_backward") {
    sized(m * n);
    for (int64_t i = 0; i < m * n; ++i) add(i, in.a[i] > 0 ? in.b[i] / (1.0 - in.dropout.p) : 0.0);
  }
  return r;
}

std::vector<float> run_once(const std::string& backend, const OpInputs& in) {
  const auto op = prepare_op(backend, in, BackendOptions{});
  op->time_ms(1);
  return op->output();
}

void expect_all_finite(const std::vector<float>& out, const std::string& what) {
  size_t bad = 0;
  for (float x : out) bad += !std::isfinite(x);
  EXPECT_EQ(bad, 0u) << what << ": " << bad << " of " << out.size() << " outputs not finite (never written?)";
}

class OpConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(OpConformance, EveryBackendMatchesTheReference) {
  const std::string op = GetParam();
  const uint64_t seed = testing::fresh_seed();
  std::mt19937_64 rng(seed);
  for (const Shape& s : kShapes) {
    const Csr<float> adjacency = test_adjacency(rng, s.m);
    const OpInputs in = make_op_inputs(op, s.m, s.k, s.n, &adjacency, seed + static_cast<uint64_t>(s.m));
    const Reference ref = reference_of(in);
    const std::vector<float> oracle = run_once("cpu-ref", in);
    for (const auto& backend : runnable_backends()) {
      const std::string what = backend + " " + op + " m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) +
                               " n=" + std::to_string(s.n) + " seed " + std::to_string(seed);
      const std::vector<float> out = run_once(backend, in);
      expect_all_finite(out, what);
      if (!ref.value.empty()) {
        ASSERT_EQ(out.size(), ref.value.size()) << what;
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_NEAR(out[i], ref.value[i], 1e-5 * ref.scale[i] + 1e-30) << what << " element " << i;
      } else {
        ASSERT_EQ(out.size(), oracle.size()) << what;
        for (size_t i = 0; i < out.size(); ++i)
          ASSERT_NEAR(out[i], oracle[i], 1e-5 * std::fabs(oracle[i]) + 1e-6) << what << " element " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabulary, OpConformance,
                         ::testing::Values("spmm", "gemm", "gemm_at_b", "gemm_a_bt", "bias_relu_dropout",
                                           "relu_dropout_backward", "bias_backward", "softmax_cross_entropy",
                                           "adam_update"));

TEST(OpConformance, TheVocabularyIsTestedWhole) {
  // Every op but the probes is instantiated above; a new op fails here until it is added.
  EXPECT_EQ(vocabulary_ops().size(), 11u);
}

TEST(OpConformance, TheProbesDoWhatTheySay) {
  for (const auto& backend : runnable_backends()) {
    if (backend == "cpu-ref") {
      EXPECT_THROW(prepare_op(backend, make_op_inputs("copy", 16, 0, 0, nullptr, 1), BackendOptions{}), Error);
      continue;
    }
    const OpInputs copy = make_op_inputs("copy", 100003, 0, 0, nullptr, 5);
    EXPECT_EQ(run_once(backend, copy), copy.a) << backend;
    const auto fma = prepare_op(backend, make_op_inputs("fma", int64_t{1} << 24, 0, 0, nullptr, 0), BackendOptions{});
    EXPECT_GT(fma->flops_done(), 0.9 * 2 * (1 << 24)) << backend;  // rounded down to whole chains only
    EXPECT_LE(fma->flops_done(), 2.0 * (1 << 24)) << backend;
    EXPECT_GT(fma->time_ms(1), 0) << backend;
  }
}

TEST(OpConformance, MismatchedInputsAreRefusedByEveryBackend) {
  for (const auto& backend : runnable_backends()) {
    OpInputs in = make_op_inputs("gemm", 4, 3, 2, nullptr, 1);
    in.b.pop_back();
    EXPECT_THROW(prepare_op(backend, in, BackendOptions{}), Error) << backend;
    OpInputs loss = make_op_inputs("softmax_cross_entropy", 4, 0, 3, nullptr, 1);
    loss.labels[2] = 3;
    EXPECT_THROW(prepare_op(backend, loss, BackendOptions{}), Error) << backend;
    in.op = "no_such_op";
    EXPECT_THROW(prepare_op(backend, in, BackendOptions{}), Error) << backend;
  }
}

}  // namespace
}  // namespace gcn
