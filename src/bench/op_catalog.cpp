#include "bench/op_catalog.hpp"

#include <algorithm>

#include "backends/op_runner.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

// The layer widths of a preset's model on a graph: features, hidden..., classes.
struct PresetModel {
  const char* name;
  std::vector<int64_t> widths;
};

std::vector<PresetModel> preset_models(const OpGraph& g) {
  return {{"kipf", {g.features, 16, g.classes}}, {"mlx-gcn", {g.features, 16, 16, g.classes}}};
}

int64_t parameter_count(const std::vector<int64_t>& widths) {
  int64_t count = 0;
  for (size_t l = 0; l + 1 < widths.size(); ++l) count += widths[l] * widths[l + 1] + widths[l + 1];
  return count;
}

// Rows of the loss's gradient: the split gcnbench ops draws (bench/op_inputs.hpp) puts one row
// in three in the train split.
int64_t train_rows_of(int64_t rows) { return (rows + 2) / 3; }

class CaseList {
 public:
  CaseList(const std::vector<std::string>& ops, const std::vector<OpGraph>& graphs) : ops_(ops), graphs_(graphs) {}

  void add(const std::string& op, int64_t m, int64_t k, int64_t n, int graph, const std::string& where) {
    if (!ops_.empty() && std::find(ops_.begin(), ops_.end(), op) == ops_.end()) return;
    for (auto& c : cases_)
      if (c.op == op && c.m == m && c.k == k && c.n == n && c.graph == graph) {
        if (!where.empty()) c.where += (c.where.empty() ? "" : "; ") + where;
        return;
      }
    OpCase c;
    c.op = op;
    c.m = m;
    c.k = k;
    c.n = n;
    c.graph = graph;
    c.where = where;
    const int64_t entries = graph >= 0 ? graphs_[graph].stored_entries : 0;
    c.cost = op_cost(op, m, k, n, entries, op == "softmax_cross_entropy" ? train_rows_of(m) : 0);
    cases_.push_back(std::move(c));
  }
  std::vector<OpCase> take() { return std::move(cases_); }

 private:
  const std::vector<std::string>& ops_;
  const std::vector<OpGraph>& graphs_;
  std::vector<OpCase> cases_;
};

}  // namespace

std::string OpCase::shape() const {
  if (op == "gemm" || op == "gemm_at_b" || op == "gemm_a_bt" || op == "linear")
    return "m=" + std::to_string(m) + " k=" + std::to_string(k) + " n=" + std::to_string(n);
  if (op == "adam_update" || op == "copy" || op == "fma") return "m=" + std::to_string(m);
  return "m=" + std::to_string(m) + " n=" + std::to_string(n);
}

const std::vector<std::string>& sequel_ops() {
  static const std::vector<std::string> ops = {"gather", "scatter_sum", "softmax", "linear"};
  return ops;
}

const std::vector<std::string>& catalog_ops() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> all = vocabulary_ops();
    all.insert(all.end(), sequel_ops().begin(), sequel_ops().end());
    return all;
  }();
  return ops;
}

const std::vector<int64_t>& default_spmm_widths() {
  static const std::vector<int64_t> widths = {7, 16, 41, 64, 128, 602};
  return widths;
}

std::vector<OpCase> op_cases(const std::vector<OpGraph>& graphs, const std::vector<std::string>& ops,
                             const std::vector<int64_t>& widths, const ProbeSizes& probes) {
  for (const auto& op : ops)
    if (std::find(catalog_ops().begin(), catalog_ops().end(), op) == catalog_ops().end()) {
      std::string known;
      for (const auto& o : catalog_ops()) known += (known.empty() ? "" : ", ") + o;
      fail("--ops: unknown op '" + op + "' (known: " + known + ")");
    }
  for (const int64_t w : widths)
    if (w < 1 || w > 4096) fail("--widths: " + std::to_string(w) + " is outside 1..4096");
  CaseList list(ops, graphs);
  for (int g = 0; g < static_cast<int>(graphs.size()); ++g) {
    const OpGraph& graph = graphs[static_cast<size_t>(g)];
    const int64_t m = graph.nodes;
    for (const int64_t w : widths) list.add("spmm", m, 0, w, g, "");
    for (const auto& model : preset_models(graph)) {
      const auto& w = model.widths;
      const std::string name = model.name;
      for (size_t l = 0; l + 1 < w.size(); ++l) {
        const std::string layer = name + " L" + std::to_string(l + 1);
        list.add("gemm", m, w[l], w[l + 1], g, layer + " forward");
        list.add("gemm_at_b", m, w[l], w[l + 1], g, layer + " weight gradient");
        if (l > 0) list.add("gemm_a_bt", m, w[l], w[l + 1], g, layer + " input gradient");
      }
      for (size_t l = 1; l + 1 < w.size(); ++l) {
        const std::string layer = name + " L" + std::to_string(l);
        list.add("bias_relu_dropout", m, 0, w[l], g, layer + " activation");
        list.add("relu_dropout_backward", m, 0, w[l], g, layer + " activation gradient");
      }
      for (size_t l = 1; l < w.size(); ++l)
        list.add("bias_backward", m, 0, w[l], g, name + " L" + std::to_string(l) + " bias gradient");
      list.add("softmax_cross_entropy", m, 0, w.back(), g, name + " loss");
      list.add("adam_update", parameter_count(w), 0, 0, -1, name + " on " + graph.name);
    }
    list.add("gather", m, 0, 16, g, "message gather at the hidden width");
    list.add("scatter_sum", m, 0, 16, g, "message sum at the hidden width");
    list.add("softmax", m, 0, graph.classes, g, "the output layer");
    list.add("linear", m, graph.features, 16, g, "kipf L1 forward with its bias");
  }
  list.add("copy", probes.copy_floats, 0, 0, -1, "floor probe: memory bandwidth");
  list.add("fma", probes.fmas, 0, 0, -1, "floor probe: FMA peak");
  return list.take();
}

}  // namespace gcn
