// The cases and costs of `gcnbench ops` (bench/op_catalog.hpp): the shapes a GCN meets on a
// graph, met once each, and each op's least bytes and flops written out by hand.
#include "bench/op_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"

namespace gcn {
namespace {

OpGraph cora_like() {
  OpGraph g;
  g.name = "cora";
  g.nodes = 2708;
  g.stored_entries = 13264;
  g.features = 1433;
  g.classes = 7;
  return g;
}

const OpCase* find(const std::vector<OpCase>& cases, const std::string& op, int64_t m, int64_t k, int64_t n) {
  for (const auto& c : cases)
    if (c.op == op && c.m == m && c.k == k && c.n == n) return &c;
  return nullptr;
}

TEST(OpCatalog, CostsAreTheOpsLeastTrafficAndArithmetic) {
  const OpCost spmm = op_cost("spmm", 10, 0, 4, 30);
  EXPECT_DOUBLE_EQ(spmm.bytes, 11 * 8 + 30 * 8 + 2 * 10 * 4 * 4);  // offsets, entries, B read, C written
  EXPECT_DOUBLE_EQ(spmm.flops, 2 * 30 * 4);
  const OpCost gemm = op_cost("gemm", 5, 3, 2);
  EXPECT_DOUBLE_EQ(gemm.bytes, 4 * (15 + 6 + 10));
  EXPECT_DOUBLE_EQ(gemm.flops, 2 * 5 * 3 * 2);
  EXPECT_DOUBLE_EQ(op_cost("copy", 100, 0, 0).bytes, 800);
  EXPECT_DOUBLE_EQ(op_cost("fma", 100, 0, 0).flops, 200);
  EXPECT_DOUBLE_EQ(op_cost("adam_update", 10, 0, 0).bytes, 280);  // 4 arrays read, 3 written
  EXPECT_DOUBLE_EQ(op_cost("softmax_cross_entropy", 9, 0, 2, 0, 3).bytes, 4 * 18 + 4 * 9 + 4 * 3 * 2);
  EXPECT_THROW(op_cost("nope", 1, 1, 1), Error);
}

TEST(OpCatalog, CoraCasesAreThoseOfBothPresets) {
  const std::vector<OpCase> cases = op_cases({cora_like()}, {}, default_spmm_widths());
  for (int64_t w : default_spmm_widths()) EXPECT_NE(find(cases, "spmm", 2708, 0, w), nullptr) << w;
  // The first layer's product is both presets': one case naming both.
  const OpCase* first = find(cases, "gemm", 2708, 1433, 16);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->where, "kipf L1 forward; mlx-gcn L1 forward");
  EXPECT_NE(find(cases, "gemm", 2708, 16, 16), nullptr);         // mlx-gcn's middle layer
  EXPECT_NE(find(cases, "gemm_a_bt", 2708, 16, 7), nullptr);     // the last layer's input gradient
  EXPECT_EQ(find(cases, "gemm_a_bt", 2708, 1433, 16), nullptr);  // no first-layer input gradient
  // Adam over each preset's parameters: 1433*16+16+16*7+7, and with a 16x16 layer more.
  EXPECT_NE(find(cases, "adam_update", 23063, 0, 0), nullptr);
  EXPECT_NE(find(cases, "adam_update", 23335, 0, 0), nullptr);
  EXPECT_NE(find(cases, "copy", ProbeSizes{}.copy_floats, 0, 0), nullptr);
  EXPECT_NE(find(cases, "fma", ProbeSizes{}.fmas, 0, 0), nullptr);
  for (const auto& c : cases) {
    EXPECT_GT(c.cost.bytes + c.cost.flops, 0) << c.op;
    EXPECT_EQ(std::count_if(cases.begin(), cases.end(),
                            [&](const OpCase& o) { return o.op == c.op && o.m == c.m && o.k == c.k && o.n == c.n; }),
              1)
        << c.op << " " << c.shape() << " is listed twice";
  }
}

TEST(OpCatalog, OpsAndWidthsAreChosenOrRefused) {
  const std::vector<OpCase> cases = op_cases({cora_like()}, {"spmm"}, {16, 64});
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[1].n, 64);
  EXPECT_EQ(cases[0].shape(), "m=2708 n=16");
  EXPECT_THROW(op_cases({cora_like()}, {"spmv"}, {16}), Error);
  EXPECT_THROW(op_cases({cora_like()}, {"spmm"}, {0}), Error);
  EXPECT_THROW(op_cases({cora_like()}, {"spmm"}, {5000}), Error);
}

}  // namespace
}  // namespace gcn
