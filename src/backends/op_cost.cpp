#include "backends/op_cost.hpp"

#include "core/error.hpp"

namespace gcn {
namespace {

constexpr double kFloat = 4, kIndex = 4, kOffset = 8;

}  // namespace

OpCost op_cost(const std::string& op, int64_t m_, int64_t k_, int64_t n_, int64_t entries_, int64_t train_) {
  const double m = static_cast<double>(m_), k = static_cast<double>(k_), n = static_cast<double>(n_);
  const double e = static_cast<double>(entries_), t = static_cast<double>(train_);
  if (op == "spmm") return {(m + 1) * kOffset + e * (kIndex + kFloat) + 2 * m * n * kFloat, 2 * e * n};
  if (op == "gemm" || op == "gemm_at_b" || op == "gemm_a_bt") return {kFloat * (m * k + k * n + m * n), 2 * m * k * n};
  if (op == "linear") return {kFloat * (m * k + k * n + m * n + n), 2 * m * k * n + m * n};
  if (op == "bias_relu_dropout") return {kFloat * (2 * m * n + n), 2 * m * n};
  if (op == "relu_dropout_backward") return {kFloat * 3 * m * n, m * n};
  if (op == "bias_backward") return {kFloat * (m * n + n), m * n};
  // Logits and labels read, the train rows' gradient written; max, exp and sum per element.
  if (op == "softmax_cross_entropy") return {kFloat * m * n + kIndex * m + kFloat * t * n, 4 * m * n};
  if (op == "softmax") return {kFloat * 2 * m * n, 4 * m * n};
  // Parameters, gradient and both moments read; parameters and moments written.
  if (op == "adam_update") return {kFloat * 7 * m, 12 * m};
  if (op == "copy") return {kFloat * 2 * m, 0};
  if (op == "fma") return {0, 2 * m};
  // One row of width n per stored entry, gathered from m rows / summed into m rows.
  if (op == "gather") return {e * kIndex + kFloat * (m * n + e * n), 0};
  if (op == "scatter_sum") return {e * kIndex + kFloat * (e * n + m * n), e * n};
  if (op == "bias") return {kFloat * (2 * m * n + n), m * n};
  if (op == "relu") return {kFloat * 2 * m * n, m * n};
  if (op == "dropout") return {kFloat * 2 * m * n, m * n};
  if (op == "dropout_mask") return {m * n / 8, 0};
  if (op == "zero") return {kFloat * m * n, 0};
  if (op == "epoch_counter" || op == "rank_steps") return {0, 0};
  if (op == "all_reduce") return {kFloat * m, m};
  fail("no cost for op '" + op + "'");
}

}  // namespace gcn
