// The cpu backend's products with sparse input features under input dropout, as the training
// epoch uses them: the mask's scales drawn once per stored element (in chunks that cross row
// boundaries), X' W as a row gather, and X'^T dZ either as a gather over a transposed copy of X
// or as a scatter into per-thread slices. Each against cpu-ref (ref::dropout_csr, ref::spmm,
// ref::spmm_transposed in float64) on fresh seeded inputs; the seed is printed on failure
// (GCNBENCH_TEST_SEED overrides it).
//
// Tolerances: the scales must equal the reference's mask exactly (the same Philox bits); the
// products differ from the float64 reference only by float32 rounding of sums of <= ~150 terms
// (~1e-6 relative), checked at 1e-5 of the largest output as in kernels_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/ops.hpp"
#include "backends/cpu_ref/ops.hpp"
#include "support/random_inputs.hpp"

namespace gcn {
namespace {

using testing::fresh_seed;
using testing::random_csr;

constexpr double kRelTol = 1e-5;

std::vector<float> random_dense(std::mt19937_64& rng, int64_t n) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng);
  return v;
}

double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return scale == 0 ? diff : diff / scale;
}

class CpuSparseFeatures : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = fresh_seed();
    rng_.seed(seed_);
    cpu::set_threads(2);
  }
  std::string trace() const { return "seed " + std::to_string(seed_) + " (rerun with GCNBENCH_TEST_SEED)"; }
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
};

// Small (one chunk, serial), Cora-like, and large enough (~200k entries) for the threaded path.
struct Shape {
  int64_t rows, cols;
  double density;
};
const Shape kShapes[] = {{37, 23, 0.3}, {700, 1433, 0.0127}, {1000, 2000, 0.1}};

TEST_F(CpuSparseFeatures, DropoutScalesEqualTheReferenceMask) {
  SCOPED_TRACE(trace());
  for (const Shape& shape : kShapes) {
    const Csr<float> x = random_csr(rng_, shape.rows, shape.cols, shape.density);
    const DropoutSpec drop{0.5, seed_, 0, 11};
    std::vector<float> scale(static_cast<size_t>(x.nnz()), -1.0f);
    cpu::sparse_dropout_scales(x, drop, scale.data());
    Csr<float> ones = x;
    std::fill(ones.val.begin(), ones.val.end(), 1.0f);
    Csr<float> want = ones;
    ref::dropout_csr(ones, want, drop.p, drop.seed, drop.layer, drop.epoch);
    int64_t mismatches = 0, kept = 0;
    for (int64_t k = 0; k < x.nnz(); ++k) {
      mismatches += scale[static_cast<size_t>(k)] != want.val[static_cast<size_t>(k)];
      kept += want.val[static_cast<size_t>(k)] != 0.0f;
    }
    EXPECT_EQ(mismatches, 0) << shape.rows << " x " << shape.cols;
    // A mask that keeps everything or nothing would make the comparison above vacuous.
    EXPECT_GT(kept, x.nnz() / 4);
    EXPECT_LT(kept, x.nnz() - x.nnz() / 4);
  }
}

TEST_F(CpuSparseFeatures, ProductsWithStoredScalesMatchReference) {
  SCOPED_TRACE(trace());
  for (const Shape& shape : kShapes) {
    const Csr<float> x = random_csr(rng_, shape.rows, shape.cols, shape.density);
    const cpu::TransposedCsr xt = cpu::transpose_with_entries(x);
    for (const double p : {0.0, 0.5}) {
      const DropoutSpec drop{p, seed_, 0, 5};
      std::vector<float> scale(static_cast<size_t>(x.nnz()), 1.0f);
      if (p > 0) cpu::sparse_dropout_scales(x, drop, scale.data());
      const float* scale_or_null = p > 0 ? scale.data() : nullptr;
      Csr<double> dropped = cast_csr<double>(x);
      if (p > 0) ref::dropout_csr(cast_csr<double>(x), dropped, p, drop.seed, drop.layer, drop.epoch);
      for (const int64_t width : {16, 7, 3}) {
        const std::string where =
            std::to_string(shape.rows) + " x " + std::to_string(shape.cols) + ", p " + std::to_string(p) +
            ", width " + std::to_string(width);
        const auto w = random_dense(rng_, x.cols * width);
        std::vector<float> z(static_cast<size_t>(x.rows * width), -7.0f);
        cpu::sparse_scaled_matmul(x, scale_or_null, w.data(), width, z.data());
        std::vector<double> want_z(z.size());
        ref::spmm(dropped, std::vector<double>(w.begin(), w.end()).data(), width, want_z.data());
        EXPECT_LE(relative_error(z, want_z), kRelTol) << "X' W, " << where;

        const auto d = random_dense(rng_, x.rows * width);
        std::vector<double> want_g(static_cast<size_t>(x.cols * width));
        ref::spmm_transposed(dropped, std::vector<double>(d.begin(), d.end()).data(), width, want_g.data());
        std::vector<float> gather(want_g.size(), -7.0f), scatter(want_g.size(), -7.0f), partials;
        cpu::sparse_scaled_matmul_transposed(xt, scale_or_null, d.data(), width, gather.data());
        cpu::sparse_scaled_matmul_transposed(x, scale_or_null, d.data(), width, scatter.data(), partials);
        EXPECT_LE(relative_error(gather, want_g), kRelTol) << "X'^T dZ gather, " << where;
        EXPECT_LE(relative_error(scatter, want_g), kRelTol) << "X'^T dZ scatter, " << where;
      }
    }
  }
}

TEST_F(CpuSparseFeatures, TransposeWithEntriesPointsBackIntoX) {
  SCOPED_TRACE(trace());
  const Csr<float> x = random_csr(rng_, 300, 200, 0.05);
  const cpu::TransposedCsr xt = cpu::transpose_with_entries(x);
  ASSERT_EQ(xt.matrix.rows, x.cols);
  ASSERT_EQ(xt.matrix.cols, x.rows);
  ASSERT_EQ(xt.matrix.nnz(), x.nnz());
  for (int64_t c = 0; c < xt.matrix.rows; ++c)
    for (int64_t t = xt.matrix.row_ptr[c]; t < xt.matrix.row_ptr[c + 1]; ++t) {
      const int64_t k = xt.entry[static_cast<size_t>(t)];
      const int64_t r = xt.matrix.col[static_cast<size_t>(t)];
      ASSERT_GE(k, x.row_ptr[r]);
      ASSERT_LT(k, x.row_ptr[r + 1]);
      EXPECT_EQ(x.col[static_cast<size_t>(k)], c);
      EXPECT_EQ(x.val[static_cast<size_t>(k)], xt.matrix.val[static_cast<size_t>(t)]);
      if (t > xt.matrix.row_ptr[c]) {
        EXPECT_LT(xt.matrix.col[static_cast<size_t>(t - 1)], r);  // rows ascending
      }
    }
}

}  // namespace
}  // namespace gcn
