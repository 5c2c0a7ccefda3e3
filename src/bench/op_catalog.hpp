// What `gcnbench ops` times: each op of the backends' vocabulary (backends/op_runner.hpp) and the
// GNN ops of the MLX-vs-CUDA benchmark's sequel, at the shapes a GCN of the kipf and mlx-gcn
// presets meets on the chosen graphs, with the bytes it must move and the flops it must do at
// the least (the numerators of its achieved bandwidth, achieved flop rate and floor fraction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/op_cost.hpp"

namespace gcn {

// A graph the ops run on: the shape of its normalized adjacency and of its model.
struct OpGraph {
  std::string name;         // the dataset's name
  std::string problem_dir;  // its `gcnbench export`, which the children read the adjacency from
  int64_t nodes = 0, stored_entries = 0, features = 0, classes = 0;
};

struct OpCase {
  std::string op;
  int64_t m = 0, k = 0, n = 0;
  int graph = -1;     // index into the graphs; -1 for the ops that need none
  std::string where;  // where a GCN meets this shape: "kipf L1 forward; mlx-gcn L1 forward"
  OpCost cost;
  std::string shape() const;  // "m=2708 k=1433 n=16", the parts the op has
};

// The ops of the sequel that gcnbench runs only in the peers: its spmm is their gather and
// scatter-sum fused, and it has no op of the others' form.
const std::vector<std::string>& sequel_ops();

// Every op `gcnbench ops` knows, the vocabulary first.
const std::vector<std::string>& catalog_ops();

// The cases of `ops` (empty: all) on every graph: spmm at each of `widths`; the dense products,
// pointwise ops, loss and Adam of both presets' models; the sequel's ops at width 16; and the
// copy and FMA probes once. Shapes met twice are one case, `where` naming both. Throws
// gcn::Error for an unknown op or a width outside 1..4096.
// The floor probes' sizes: by default 2^27 floats copied (512 MiB each way, beyond any cache)
// and 2^32 FMAs (tens of milliseconds on a CPU, a tenth of one on a large GPU).
struct ProbeSizes {
  int64_t copy_floats = int64_t{1} << 27;
  int64_t fmas = int64_t{1} << 32;
};

std::vector<OpCase> op_cases(const std::vector<OpGraph>& graphs, const std::vector<std::string>& ops,
                             const std::vector<int64_t>& widths, const ProbeSizes& probes = {});

// The widths of spmm by default: the hidden width, both presets' class counts on Cora (7) and
// Reddit (41), and the feature widths of a wider model, of Reddit (602) and of a dense layer.
const std::vector<int64_t>& default_spmm_widths();

}  // namespace gcn
