// Every cuda kernel against the cpu-ref kernel it replaces, on fresh seeded random inputs, with
// the GPU output poisoned (NaN) before each launch so that an unwritten element fails.
// Tolerance: relative error <= 1e-5 in the max norm over the output (||gpu - ref||_inf /
// ||ref||_inf): fp32 with a different summation order (and FMA) than the loops, no TF32.
#ifdef GCNBENCH_HAVE_CUDA

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "backends/cpu_ref/ops.hpp"
#include "cuda/test_hooks.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

constexpr double kTol = 1e-5;

using testing::fresh_seed;

std::vector<float> random_vector(std::mt19937_64& rng, int64_t n, float lo = -1, float hi = 1) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng);
  return v;
}

// Random CSR with some empty rows and, when long_rows, some rows past the split length.
Csr<float> random_csr(std::mt19937_64& rng, int64_t rows, int64_t cols, double density, bool long_rows = false) {
  Csr<float> a;
  a.rows = rows;
  a.cols = cols;
  a.row_ptr.push_back(0);
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_real_distribution<float> v(-1, 1);
  for (int64_t r = 0; r < rows; ++r) {
    const double d = (long_rows && r % 3 == 0) ? 0.9 : (r % 7 == 3 ? 0.0 : density);
    for (int64_t c = 0; c < cols; ++c)
      if (u(rng) < d) {
        a.col.push_back(static_cast<int32_t>(c));
        a.val.push_back(v(rng));
      }
    a.row_ptr.push_back(a.nnz());
  }
  return a;
}

double rel_error(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return INFINITY;
  double err = 0, scale = 1e-30;
  for (size_t i = 0; i < got.size(); ++i) {
    if (!std::isfinite(got[i])) return INFINITY;  // poison left, or NaN produced
    err = std::max(err, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return err / scale;
}

TEST(CudaKernels, SpmmAllWidthsMatchReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  for (int64_t width : {1, 7, 16, 32, 41, 64, 100, 128, 256, 500, 602, 1024}) {
    SCOPED_TRACE("width " + std::to_string(width));
    const Csr<float> a = random_csr(rng, 301, 257, 0.05);
    const auto b = random_vector(rng, a.cols * width);
    std::vector<float> want(static_cast<size_t>(a.rows * width));
    ref::spmm(a, b.data(), width, want.data());
    for (const int64_t item_len : {-1, 8}) {  // whole rows (float4 loads when width % 4 == 0), then items
      EXPECT_LE(rel_error(cuda_test::spmm(a, b, width, {}, 0, false, nullptr, false, {}, item_len), want), kTol)
          << "item length " << item_len;
    }
  }
}

// Host logic, no GPU needed: only a matrix with a row far longer than the rest is cut, and its
// items cover every stored entry once, in order.
TEST(CudaKernels, ItemLengthCutsOnlySkewedMatrices) {
  std::vector<int64_t> even = {0};
  for (int r = 0; r < 1000; ++r) even.push_back(even.back() + 100 + r % 7);
  EXPECT_EQ(cuda_test::spmm_item_length(even), 0);
  std::vector<int64_t> few_long_rows = {0};
  for (int r = 0; r < 600; ++r) few_long_rows.push_back(few_long_rows.back() + 20000);
  EXPECT_EQ(cuda_test::spmm_item_length(few_long_rows), 512);
  // Few rows take a warp each: a row of 1000 among 1000 rows of 5 stays whole (Cora's A_hat has
  // 2708 rows of 5 on average, 169 at most), one of 2000 does not.
  std::vector<int64_t> few_rows = {0};
  for (int r = 0; r < 1000; ++r) few_rows.push_back(few_rows.back() + (r == 500 ? 1000 : 5));
  EXPECT_EQ(cuda_test::spmm_item_length(few_rows), 0);
  few_rows.back() += 2000;
  EXPECT_GE(cuda_test::spmm_item_length(few_rows), 64);
  std::vector<int64_t> skewed = {0};
  for (int r = 0; r < 20000; ++r) skewed.push_back(skewed.back() + (r == 500 ? 1000 : 5));
  const int64_t item_len = cuda_test::spmm_item_length(skewed);
  ASSERT_GE(item_len, 64);
  std::vector<int32_t> item_row;
  std::vector<int64_t> item_begin;
  cuda_test::spmm_items(skewed, item_len, item_row, item_begin);
  int64_t covered = 0;
  for (size_t i = 0; i < item_row.size(); ++i) {
    const int32_t r = item_row[i];
    ASSERT_EQ(item_begin[i], i == 0 || item_row[i - 1] != r ? skewed[r] : item_begin[i - 1] + item_len);
    covered += std::min(item_len, skewed[r + 1] - item_begin[i]);
  }
  EXPECT_EQ(covered, skewed.back());
  EXPECT_EQ(item_row.size(), 19999 + (1000 + item_len - 1) / item_len);
}

TEST(CudaKernels, SpmmWithDropoutAndEpilogueMatchesReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  for (int64_t width : {7, 16, 41, 128}) {
    SCOPED_TRACE("width " + std::to_string(width));
    const Csr<float> a = random_csr(rng, 203, 517, 0.1);
    const auto b = random_vector(rng, a.cols * width);
    const auto bias = random_vector(rng, width);
    DropoutSpec d{0.5, rng(), 0, static_cast<uint32_t>(rng() % 1000)};
    Csr<float> dropped = a;
    ref::dropout_csr(a, dropped, d.p, d.seed, 0, d.epoch);
    std::vector<float> want(static_cast<size_t>(a.rows * width));
    ref::spmm(dropped, b.data(), width, want.data());
    ref::add_bias(want.data(), bias.data(), a.rows, width);
    ref::relu_forward(want.data(), want.data(), a.rows * width);
    DropoutSpec out_d = d;
    out_d.layer = 1;
    ref::dropout(want.data(), want.data(), a.rows, width, d.p, d.seed, 1, d.epoch);
    EXPECT_LE(rel_error(cuda_test::spmm(a, b, width, d, a.cols, false, &bias, true, out_d), want), kTol);
  }
}

// dW_0 = dropout(X)^T dZ through X^T with the transposed mask, rows whole and cut into items of
// 64 entries (the atomic long-row path).
TEST(CudaKernels, TransposedSpmmWithDropoutOnLongRowsMatchesReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  for (int64_t width : {16, 41}) {
    const Csr<float> x = random_csr(rng, 3000, 40, 0.5, true);
    const Csr<float> xt = transpose(x);
    const auto dz = random_vector(rng, x.rows * width);
    DropoutSpec d{0.5, rng(), 0, 7};
    Csr<float> dropped = x;
    ref::dropout_csr(x, dropped, d.p, d.seed, 0, d.epoch);
    std::vector<float> want(static_cast<size_t>(x.cols * width));
    ref::spmm_transposed(dropped, dz.data(), width, want.data());
    for (const int64_t item_len : {0, 64}) {
      EXPECT_LE(rel_error(cuda_test::spmm(xt, dz, width, d, x.cols, true, nullptr, false, {}, item_len), want), kTol)
          << "width " << width << ", item length " << item_len;
    }
  }
}

TEST(CudaKernels, BiasReluDropoutMatchesReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  const int64_t rows = 1001, width = 37;
  const auto in = random_vector(rng, rows * width);
  const auto bias = random_vector(rng, width);
  DropoutSpec d{0.3, rng(), 2, 11};
  std::vector<float> want = in;
  ref::add_bias(want.data(), bias.data(), rows, width);
  ref::relu_forward(want.data(), want.data(), rows * width);
  ref::dropout(want.data(), want.data(), rows, width, d.p, d.seed, d.layer, d.epoch);
  EXPECT_LE(rel_error(cuda_test::bias_relu_dropout(in, rows, width, &bias, true, d), want), kTol);
  std::vector<float> dropped(in.size());
  ref::dropout(in.data(), dropped.data(), rows, width, d.p, d.seed, d.layer, d.epoch);
  EXPECT_LE(rel_error(cuda_test::bias_relu_dropout(in, rows, width, nullptr, false, d), dropped), 0.0);  // bit-identical mask
}

TEST(CudaKernels, ReluDropoutBackwardMatchesReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  const int64_t rows = 513, width = 16;
  const double p = 0.5;
  const auto pre = random_vector(rng, rows * width);
  std::vector<float> h(pre.size()), d(pre.size());
  ref::relu_forward(pre.data(), h.data(), rows * width);
  ref::dropout(h.data(), d.data(), rows, width, p, 5, 1, 3);
  const auto g = random_vector(rng, rows * width);
  std::vector<float> want(g.size());
  ref::dropout(g.data(), want.data(), rows, width, p, 5, 1, 3);
  ref::relu_backward(h.data(), want.data(), rows * width);
  EXPECT_LE(rel_error(cuda_test::relu_dropout_backward(d, g, 2.f), want), 0.0);
}

TEST(CudaKernels, SoftmaxCrossEntropyMatchesReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  for (int classes : {2, 7, 41, 70}) {
    const int64_t rows = 3000;
    auto logits = random_vector(rng, rows * classes, -4, 4);
    for (int64_t r = 0; r < rows; r += 10) logits[r * classes + 1] = logits[r * classes];  // ties: first maximum
    std::vector<int32_t> labels(rows);
    std::vector<Split> split(rows, Split::None);
    for (int64_t r = 0; r < rows; ++r) {
      labels[r] = static_cast<int32_t>(rng() % classes);
      split[r] = r % 5 == 0 ? Split::Train : (r % 5 == 1 ? Split::Val : Split::None);
    }
    std::vector<float> grad_full(static_cast<size_t>(rows * classes));
    const auto train = ref::softmax_cross_entropy(logits.data(), rows, classes, labels, split, Split::Train, grad_full.data());
    const auto val = ref::softmax_cross_entropy(logits.data(), rows, classes, labels, split, Split::Val,
                                                static_cast<float*>(nullptr));
    std::vector<int32_t> row_of, entry_labels;
    std::vector<float> want_grad;
    for (Split s : {Split::Train, Split::Val})
      for (int64_t r = 0; r < rows; ++r)
        if (split[r] == s) {
          row_of.push_back(static_cast<int32_t>(r));
          entry_labels.push_back(labels[r]);
          if (s == Split::Train)
            want_grad.insert(want_grad.end(), grad_full.begin() + r * classes, grad_full.begin() + (r + 1) * classes);
        }
    const int64_t end0 = static_cast<int64_t>(want_grad.size()) / classes;
    const auto got = cuda_test::softmax_cross_entropy(logits, classes, row_of, entry_labels, end0);
    EXPECT_NEAR(got.loss0, train.loss, 1e-5 * std::abs(train.loss)) << "classes " << classes;
    EXPECT_EQ(got.acc0, train.accuracy) << "classes " << classes;
    EXPECT_NEAR(got.loss1, val.loss, 1e-5 * std::abs(val.loss)) << "classes " << classes;
    EXPECT_EQ(got.acc1, val.accuracy) << "classes " << classes;
    EXPECT_LE(rel_error(got.grad, want_grad), kTol) << "classes " << classes;
  }
}

TEST(CudaKernels, AdamMatchesReferenceOverSteps) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  const std::vector<int64_t> seg_end{1000, 1016, 1128, 1135};
  const std::vector<float> wd{5e-4f, 5e-4f, 0.f, 0.f};
  auto param = random_vector(rng, 1135);
  std::vector<float> m(param.size(), 0.f), v(param.size(), 0.f);
  auto ref_param = param, ref_m = m, ref_v = v;
  for (int64_t step = 1; step <= 5; ++step) {
    const auto grad = random_vector(rng, 1135, -0.1f, 0.1f);
    int64_t begin = 0;
    for (size_t s = 0; s < seg_end.size(); ++s) {
      AdamSettings st{0.01, 0.9, 0.999, 1e-8, wd[s], step};
      ref::adam_update(ref_param.data() + begin, grad.data() + begin, ref_m.data() + begin, ref_v.data() + begin,
                       seg_end[s] - begin, st);
      begin = seg_end[s];
    }
    cuda_test::adam_update(param, grad, m, v, seg_end, wd, {0.01, 0.9, 0.999, 1e-8, 0, step}, step);
  }
  EXPECT_LE(rel_error(param, ref_param), kTol);
  EXPECT_LE(rel_error(m, ref_m), kTol);
  EXPECT_LE(rel_error(v, ref_v), kTol);
}

TEST(CudaKernels, CublasProductsMatchReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  const int64_t m = 333, k = 129, n = 17;
  const auto a = random_vector(rng, m * k), b = random_vector(rng, k * n), c = random_vector(rng, m * n);
  std::vector<float> want(static_cast<size_t>(m * n));
  ref::gemm(a.data(), b.data(), want.data(), m, k, n);
  EXPECT_LE(rel_error(cuda_test::gemm(a, b, m, k, n), want), kTol);
  std::vector<float> want_atb(static_cast<size_t>(k * n));
  ref::gemm_at_b(a.data(), c.data(), want_atb.data(), m, k, n);
  EXPECT_LE(rel_error(cuda_test::gemm_at_b(a, c, m, k, n), want_atb), kTol);
  const auto w = random_vector(rng, k * n);
  std::vector<float> want_abt(static_cast<size_t>(m * k));
  ref::gemm_a_bt(c.data(), w.data(), want_abt.data(), m, n, k);
  EXPECT_LE(rel_error(cuda_test::gemm_a_bt(c, w, m, n, k), want_abt), kTol);
  std::vector<float> want_sums(static_cast<size_t>(n));
  ref::bias_backward(c.data(), want_sums.data(), m, n);
  EXPECT_LE(rel_error(cuda_test::bias_backward(c, m, n), want_sums), kTol);
}

// The own tall-skinny products, with and without the input dropout read from a bit mask, on
// shapes that take one k split or many, one row block or thousands, and column counts 1 to 16
// with k not a multiple of 4 (the rows are stored padded, as the backend stores X).
TEST(CudaKernels, TallSkinnyProductsWithMaskMatchReference) {
  SKIP_WITHOUT_GPU();
  const uint64_t seed = fresh_seed();
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with GCNBENCH_TEST_SEED)");
  std::mt19937_64 rng(seed);
  struct Shape {
    int64_t m, k, n;
  };
  for (const Shape s : {Shape{1001, 602, 16}, Shape{333, 129, 7}, Shape{2708, 1433, 16}, Shape{5, 40, 1},
                        Shape{70001, 33, 13}, Shape{130, 2708, 16}}) {
    for (const double p : {0.0, 0.5}) {
      SCOPED_TRACE("m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) + " n=" + std::to_string(s.n) +
                   " p=" + std::to_string(p));
      const auto a = random_vector(rng, s.m * s.k), b = random_vector(rng, s.k * s.n), g = random_vector(rng, s.m * s.n);
      const DropoutSpec d{p, rng(), 0, static_cast<uint32_t>(rng() % 100)};
      std::vector<float> dropped = a;
      if (p > 0) ref::dropout(a.data(), dropped.data(), s.m, s.k, d.p, d.seed, d.layer, d.epoch);
      // Float64 references: a float sum over 70001 rows is itself off by about 1e-5.
      const std::vector<double> dropped64(dropped.begin(), dropped.end()), b64(b.begin(), b.end()),
          g64(g.begin(), g.end());
      std::vector<double> want64(static_cast<size_t>(s.m * s.n)), want_atb64(static_cast<size_t>(s.k * s.n));
      ref::gemm(dropped64.data(), b64.data(), want64.data(), s.m, s.k, s.n);
      ref::gemm_at_b(dropped64.data(), g64.data(), want_atb64.data(), s.m, s.k, s.n);
      const std::vector<float> want(want64.begin(), want64.end()), want_atb(want_atb64.begin(), want_atb64.end());
      EXPECT_LE(rel_error(cuda_test::tall_product(a, b, s.m, s.k, s.n, false, d), want), kTol);
      EXPECT_LE(rel_error(cuda_test::tall_product(a, g, s.m, s.k, s.n, true, d), want_atb), kTol);
    }
  }
}

}  // namespace
}  // namespace gcn

#endif  // GCNBENCH_HAVE_CUDA

#ifdef GCNBENCH_HAVE_CUDA
#include <cstdlib>

#include "data/loaders.hpp"
#include "model/problem.hpp"

namespace gcn {
namespace {

// Timing, not correctness: runs only with GCNBENCH_CUDA_BENCH=1 (scripts/gpu-check sets it).
// SpMM of the reddit-size A_hat (232,965 nodes, mean degree 100) at the widths the model uses,
// against a device-to-device copy of the same byte count.
TEST(CudaBench, SpmmBandwidthOnRedditSizeGraph) {
  SKIP_WITHOUT_GPU();
  if (!std::getenv("GCNBENCH_CUDA_BENCH")) GTEST_SKIP() << "set GCNBENCH_CUDA_BENCH=1 to time";
  const Dataset data = generate_synthetic(parse_synthetic_spec("nodes=232965,degree=100,features=1,classes=41,seed=0"));
  const Problem problem = make_problem(data, preset_config("kipf"));
  const Csr<float>& a = problem.adjacency;
  const double copy_bytes = 512.0 * (1 << 20);
  const double copy_ms = cuda_test::time_copy_ms(static_cast<int64_t>(copy_bytes), 20);
  const double copy_bw = 2 * copy_bytes / (copy_ms * 1e-3);  // read + write
  std::printf("[ bench    ] copy: %.3f ms for 2 x %.0f MB -> %.0f GB/s (read+write)\n", copy_ms, copy_bytes / 1e6,
              copy_bw / 1e9);
  for (int64_t width : {16, 41, 64, 128}) {
    double bytes = 0;
    const double ms = cuda_test::time_spmm_ms(a, width, 20, &bytes);
    std::printf("[ bench    ] spmm n=%lld nnz=%lld width=%lld: %.3f ms, %.1f MB min traffic -> %.0f GB/s = %.0f%% of copy\n",
                static_cast<long long>(a.rows), static_cast<long long>(a.nnz()), static_cast<long long>(width), ms,
                bytes / 1e6, bytes / (ms * 1e-3) / 1e9, 100 * bytes / (ms * 1e-3) / copy_bw);
  }
}

}  // namespace
}  // namespace gcn
#endif
