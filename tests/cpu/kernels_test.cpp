// Every cpu kernel against its cpu-ref counterpart on fresh random inputs. The seed is drawn
// per run (GCNBENCH_TEST_SEED overrides it) and printed on failure.
//
// Tolerances: products and reductions run the reference kernel in float64 on the same float32
// inputs, so the difference is the cpu kernel's own rounding: a different summation order and
// FMA, about sqrt(K) * 2^-24 relative to the largest output for K-term sums (K <= 600 here:
// ~1.5e-6). We check max|cpu - ref| / max|ref| <= 1e-5. Pointwise kernels (dropout, ReLU, bias,
// Adam) perform the reference's float operations in the same order and must match exactly.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/ops.hpp"
#include "backends/cpu/ops/philox_simd.hpp"
#include "backends/cpu_ref/ops.hpp"
#include "core/philox.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

using testing::fresh_seed;

constexpr double kRelTol = 1e-5;

struct Inputs {
  uint64_t seed;
  std::mt19937_64 rng;
  explicit Inputs(uint64_t s) : seed(s), rng(s) {}

  std::vector<float> dense(int64_t n, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = u(rng);
    return v;
  }
  Csr<float> csr(int64_t rows, int64_t cols, double density) { return testing::random_csr(rng, rows, cols, density); }
};

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// max|got - want| / max|want| (0/0 = 0).
double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return scale == 0 ? diff : diff / scale;
}

// Copies a (rows x cols) into rows ld apart (padding filled with garbage, which must be ignored).
std::vector<float> with_ld(const std::vector<float>& a, int64_t rows, int64_t cols, int64_t ld) {
  std::vector<float> out(static_cast<size_t>(rows * ld), 1e30f);
  for (int64_t r = 0; r < rows; ++r) std::copy(a.begin() + r * cols, a.begin() + (r + 1) * cols, out.begin() + r * ld);
  return out;
}

class CpuKernels : public ::testing::TestWithParam<cpu::SkinnyGemm> {
 protected:
  void SetUp() override {
    seed_ = fresh_seed();
    cpu::set_threads(2);
    cpu::set_skinny_gemm(GetParam());
  }
  void TearDown() override { cpu::set_skinny_gemm(cpu::SkinnyGemm::Auto); }
  std::string trace() const { return "seed " + std::to_string(seed_) + " (rerun with GCNBENCH_TEST_SEED)"; }
  uint64_t seed_ = 0;
};

TEST_P(CpuKernels, GemmMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  for (const int64_t n : {16, 7, 1, 13, 40}) {
    const int64_t m = 517, k = 301, lda = k + 11;
    const auto a = in.dense(m * k), b = in.dense(k * n);
    std::vector<float> c(static_cast<size_t>(m * n), -7.0f);
    cpu::gemm(with_ld(a, m, k, lda).data(), lda, b.data(), c.data(), m, k, n);
    std::vector<double> want(static_cast<size_t>(m * n));
    ref::gemm(to_double(a).data(), to_double(b).data(), want.data(), m, k, n);
    EXPECT_LE(relative_error(c, want), kRelTol) << "n = " << n;
  }
}

TEST_P(CpuKernels, GemmTransposedAMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  for (const int64_t n : {16, 7, 1, 13, 40}) {
    // k = 45: two full 16-column strips and a partial one.
    for (const int64_t k : {int64_t{45}, int64_t{16}, int64_t{300}}) {
      const int64_t m = 433, lda = k + 3;
      const auto a = in.dense(m * k), b = in.dense(m * n);
      std::vector<float> c(static_cast<size_t>(k * n), -7.0f);
      cpu::gemm_at_b(with_ld(a, m, k, lda).data(), lda, b.data(), c.data(), m, k, n);
      std::vector<double> want(static_cast<size_t>(k * n));
      ref::gemm_at_b(to_double(a).data(), to_double(b).data(), want.data(), m, k, n);
      EXPECT_LE(relative_error(c, want), kRelTol) << "n = " << n << ", k = " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Skinny, CpuKernels,
                         ::testing::Values(cpu::SkinnyGemm::Auto, cpu::SkinnyGemm::Blas, cpu::SkinnyGemm::Own),
                         [](const auto& info) {
                           return std::string(info.param == cpu::SkinnyGemm::Auto   ? "Auto"
                                              : info.param == cpu::SkinnyGemm::Blas ? "Blas"
                                                                                    : "Own");
                         });

class CpuKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = fresh_seed();
    cpu::set_threads(2);
  }
  std::string trace() const { return "seed " + std::to_string(seed_) + " (rerun with GCNBENCH_TEST_SEED)"; }
  uint64_t seed_ = 0;
};

TEST_F(CpuKernel, GemmABtMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const int64_t m = 611, n = 7, k = 16;
  const auto a = in.dense(m * n), b = in.dense(k * n);
  std::vector<float> c(static_cast<size_t>(m * k));
  cpu::gemm_a_bt(a.data(), b.data(), c.data(), m, n, k);
  std::vector<double> want(static_cast<size_t>(m * k));
  ref::gemm_a_bt(to_double(a).data(), to_double(b).data(), want.data(), m, n, k);
  EXPECT_LE(relative_error(c, want), kRelTol);
}

TEST_F(CpuKernel, SpmmMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const Csr<float> a = in.csr(700, 650, 0.03);
  const Csr<double> a64 = cast_csr<double>(a);
  for (const int64_t width : {16, 7, 3}) {
    const auto b = in.dense(a.cols * width);
    std::vector<float> c(static_cast<size_t>(a.rows * width), -7.0f);
    cpu::spmm(a, b.data(), width, c.data());
    std::vector<double> want(c.size());
    ref::spmm(a64, to_double(b).data(), width, want.data());
    EXPECT_LE(relative_error(c, want), kRelTol) << "width " << width;
  }
}

TEST_F(CpuKernel, SparseDropoutMatmulMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  // Dense-ish rows (0.2 x 300 = 60 entries) cross several 16-entry Philox blocks.
  const Csr<float> x = in.csr(400, 300, 0.2);
  for (const double p : {0.0, 0.5}) {
    for (const int64_t width : {16, 7}) {
      const DropoutSpec drop{p, seed_, 0, 3};
      Csr<double> dropped = cast_csr<double>(x);
      if (p > 0) ref::dropout_csr(cast_csr<double>(x), dropped, p, seed_, 0, 3);
      const auto w = in.dense(x.cols * width);
      std::vector<float> c(static_cast<size_t>(x.rows * width), -7.0f);
      cpu::sparse_dropout_matmul(x, drop, w.data(), width, c.data());
      std::vector<double> want(c.size());
      ref::spmm(dropped, to_double(w).data(), width, want.data());
      EXPECT_LE(relative_error(c, want), kRelTol) << "p " << p << " width " << width;

      const auto d = in.dense(x.rows * width);
      std::vector<float> g(static_cast<size_t>(x.cols * width), -7.0f);
      std::vector<float> partials;
      cpu::sparse_dropout_matmul_transposed(x, drop, d.data(), width, g.data(), partials);
      std::vector<double> want_g(g.size());
      ref::spmm_transposed(dropped, to_double(d).data(), width, want_g.data());
      EXPECT_LE(relative_error(g, want_g), kRelTol) << "transposed, p " << p << " width " << width;
    }
  }
}

TEST_F(CpuKernel, PhiloxBlocksAreBitIdenticalToScalar) {
  SCOPED_TRACE(trace());
  uint64_t groups[cpu::kPhiloxLanes];
  std::mt19937_64 rng(seed_);
  for (auto& g : groups) g = rng();
  float u[4][cpu::kPhiloxLanes];
  cpu::dropout_uniforms16(seed_, 5, 77, groups, u);
  for (int g = 0; g < cpu::kPhiloxLanes; ++g) {
    float want[4];
    dropout_uniforms4(seed_, 5, 77, groups[g], want);
    for (int lane = 0; lane < 4; ++lane) ASSERT_EQ(u[lane][g], want[lane]) << "group " << g << " lane " << lane;
  }
}

TEST_F(CpuKernel, BiasReluDropoutIsExact) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const int64_t rows = 333, cols = 16;  // 333 * 16 is not a multiple of the 64-element block
  const auto p = in.dense(rows * cols), bias = in.dense(cols);
  for (const bool with_bias : {false, true}) {
    for (const double prob : {0.0, 0.5, 0.9}) {
      std::vector<float> want = p;
      if (with_bias) ref::add_bias(want.data(), bias.data(), rows, cols);
      ref::relu_forward(want.data(), want.data(), rows * cols);
      if (prob > 0) ref::dropout(want.data(), want.data(), rows, cols, prob, seed_, 1, 9);
      std::vector<float> got(p.size());
      cpu::bias_relu_dropout(p.data(), with_bias ? bias.data() : nullptr, got.data(), rows, cols,
                             prob > 0 ? DropoutSpec{prob, seed_, 1, 9} : DropoutSpec{});
      EXPECT_EQ(got, want) << "bias " << with_bias << " p " << prob;

      // Backward: the reference redraws the mask and masks by the ReLU output.
      const auto grad = in.dense(rows * cols);
      std::vector<float> want_grad = grad;
      if (prob > 0) ref::dropout(want_grad.data(), want_grad.data(), rows, cols, prob, seed_, 1, 9);
      std::vector<float> relu_out = p;
      if (with_bias) ref::add_bias(relu_out.data(), bias.data(), rows, cols);
      ref::relu_forward(relu_out.data(), relu_out.data(), rows * cols);
      ref::relu_backward(relu_out.data(), want_grad.data(), rows * cols);
      std::vector<float> got_grad = grad;
      cpu::relu_dropout_backward(got.data(), got_grad.data(), rows * cols, prob);
      EXPECT_EQ(got_grad, want_grad) << "backward, bias " << with_bias << " p " << prob;
    }
  }
}

TEST_F(CpuKernel, DenseDropoutWithPaddedRowsIsExact) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const int64_t rows = 57, cols = 43, ld = 48;  // rows start mid-Philox-group
  const auto x = in.dense(rows * cols);
  std::vector<float> want(x.size());
  ref::dropout(x.data(), want.data(), rows, cols, 0.5, seed_, 0, 2);
  const auto padded = with_ld(x, rows, cols, ld);
  std::vector<float> got(padded.size(), 0.0f);
  cpu::dropout(padded.data(), ld, got.data(), rows, cols, {0.5, seed_, 0, 2});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) ASSERT_EQ(got[r * ld + j], want[r * cols + j]) << "(" << r << ", " << j << ")";
  std::vector<float> got_flat(x.size());
  cpu::dropout(x.data(), cols, got_flat.data(), rows, cols, {0.5, seed_, 0, 2});
  EXPECT_EQ(got_flat, want);
}

TEST_F(CpuKernel, BiasBackwardMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  for (const int64_t cols : {16, 7, 100}) {
    const int64_t rows = 1001;
    const auto g = in.dense(rows * cols);
    std::vector<float> got(static_cast<size_t>(cols));
    cpu::bias_backward(g.data(), got.data(), rows, cols);
    std::vector<double> want(got.size());
    ref::bias_backward(to_double(g).data(), want.data(), rows, cols);
    EXPECT_LE(relative_error(got, want), kRelTol) << "cols " << cols;
  }
}

TEST_F(CpuKernel, SoftmaxCrossEntropyMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const int64_t rows = 999, classes = 7;
  const auto logits = in.dense(rows * classes, -4.0f, 4.0f);
  std::vector<int32_t> labels(rows);
  std::vector<Split> split(rows);
  std::uniform_int_distribution<int> label(0, classes - 1), part(0, 3);
  for (int64_t r = 0; r < rows; ++r) {
    labels[r] = label(in.rng);
    split[r] = static_cast<Split>(part(in.rng));
    if (split[r] == Split::None && r % 2) labels[r] = -1;
  }
  std::vector<float> grad(logits.size(), -7.0f);
  const SplitMetrics got = cpu::softmax_cross_entropy(logits.data(), rows, classes, labels, split, grad.data());
  std::vector<double> want_grad(grad.size());
  const auto logits64 = to_double(logits);
  const LossAndAccuracy train =
      ref::softmax_cross_entropy(logits64.data(), rows, classes, labels, split, Split::Train, want_grad.data());
  const LossAndAccuracy val =
      ref::softmax_cross_entropy(logits64.data(), rows, classes, labels, split, Split::Val, static_cast<double*>(nullptr));
  EXPECT_NEAR(got.train.loss, train.loss, kRelTol * train.loss);
  EXPECT_EQ(got.train.accuracy, train.accuracy);
  EXPECT_NEAR(got.val.loss, val.loss, kRelTol * val.loss);
  EXPECT_EQ(got.val.accuracy, val.accuracy);
  EXPECT_LE(relative_error(grad, want_grad), kRelTol);
  const LossAndAccuracy test = cpu::softmax_cross_entropy_split(logits.data(), rows, classes, labels, split, Split::Test);
  const LossAndAccuracy want_test =
      ref::softmax_cross_entropy(logits64.data(), rows, classes, labels, split, Split::Test, static_cast<double*>(nullptr));
  EXPECT_NEAR(test.loss, want_test.loss, kRelTol * want_test.loss);
  EXPECT_EQ(test.accuracy, want_test.accuracy);
}

// Not bitwise: -march=native may contract the update into FMAs that the reference does not use.
TEST_F(CpuKernel, AdamMatchesReference) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  for (const int64_t n : {int64_t{1433 * 16}, int64_t{100000}}) {  // below and above the threading cut-off
    auto p = in.dense(n), m = in.dense(n, 0.0f, 0.1f), v = in.dense(n, 0.0f, 0.01f);
    const auto g = in.dense(n);
    auto p2 = p, m2 = m, v2 = v;
    const AdamSettings s{0.01, 0.9, 0.999, 1e-8, 5e-4, 3};
    cpu::adam_update(p.data(), g.data(), m.data(), v.data(), n, s);
    ref::adam_update(p2.data(), g.data(), m2.data(), v2.data(), n, s);
    EXPECT_LE(relative_error(p, to_double(p2)), 1e-6);
    EXPECT_LE(relative_error(m, to_double(m2)), 1e-6);
    EXPECT_LE(relative_error(v, to_double(v2)), 1e-6);
  }
}

// Reductions are chunked independently of the thread count: 1 and 2 threads agree bitwise.
TEST_F(CpuKernel, ReductionsAreDeterministic) {
  SCOPED_TRACE(trace());
  Inputs in(seed_);
  const Csr<float> x = in.csr(500, 200, 0.1);
  const auto d = in.dense(x.rows * 16);
  std::vector<float> partials;
  std::vector<float> first(static_cast<size_t>(x.cols * 16)), again(first.size());
  const DropoutSpec drop{0.5, seed_, 0, 1};
  cpu::sparse_dropout_matmul_transposed(x, drop, d.data(), 16, first.data(), partials);
  cpu::sparse_dropout_matmul_transposed(x, drop, d.data(), 16, again.data(), partials);
  EXPECT_EQ(first, again);
  const auto a = in.dense(900 * 45);
  std::vector<float> one(45 * 16), two(45 * 16), b1(16), b2(16);
  cpu::set_threads(1);
  cpu::gemm_at_b(a.data(), 45, d.data(), one.data(), 500, 45, 16);
  cpu::bias_backward(d.data(), b1.data(), 500, 16);
  cpu::set_threads(2);
  cpu::gemm_at_b(a.data(), 45, d.data(), two.data(), 500, 45, 16);
  cpu::bias_backward(d.data(), b2.data(), 500, 16);
  EXPECT_EQ(one, two);
  EXPECT_EQ(b1, b2);
}

}  // namespace
}  // namespace gcn
