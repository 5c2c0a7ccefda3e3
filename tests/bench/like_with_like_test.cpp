// Like with like: every peer gets a gcnbench row of its own computation in the default plan, and
// a speedup compares only rows of the same computation (adjacency, features, preset, timing).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bench/aggregate.hpp"
#include "bench/peers.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

TEST(LikeWithLike, EveryDefaultPeerGetsAGcnbenchRowOfItsComputation) {
  // The mlx-gcn preset (dense A_hat, dense X) with every peer: torch-sparse and jax-sparse store
  // X sparse, PyG dense with a sparse A_hat.
  const std::vector<Computation> all = default_computations({"dense", "dense"}, select_peers({"all"}));
  const std::vector<Computation> want = {{"dense", "dense"}, {"sparse", "sparse"}, {"sparse", "dense"}};
  EXPECT_EQ(all, want);
  for (const auto& peer : select_peers({"all"})) {
    const Computation c{peer.adj, peer.features};
    EXPECT_NE(std::find(all.begin(), all.end(), c), all.end()) << peer.name;
  }
  // The kipf preset (sparse, sparse) with torch-sparse alone needs nothing else.
  EXPECT_EQ(default_computations({"sparse", "sparse"}, select_peers({"torch-sparse"})),
            (std::vector<Computation>{{"sparse", "sparse"}}));
  EXPECT_EQ(default_computations({"sparse", "sparse"}, select_peers({"pyg"})),
            (std::vector<Computation>{{"sparse", "sparse"}, {"sparse", "dense"}}));
}

nlohmann::json row(const std::string& label, const std::string& adj, const std::string& features, double ms,
                   const std::string& timing = "per-epoch") {
  return {{"label", label},   {"status", "ok"},          {"dataset", "cora"},
          {"adj", adj},       {"features", features},    {"preset", "mlx-gcn"},
          {"timing", timing}, {"epoch_ms", {{"mean", ms}}}, {"speedup", nullptr},
          {"baseline", nullptr}};
}

std::map<std::string, nlohmann::json> by_label(const std::vector<nlohmann::json>& rows) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& r : rows) out[r["label"].get<std::string>()] = r;
  return out;
}

std::vector<nlohmann::json> table_rows() {
  return {row("torch-dense/cpu/dense", "dense", "dense", 10.0),
          row("torch-sparse/cpu/sparse", "sparse", "sparse", 8.0),
          row("gcnbench-cpu/cpu/dense", "dense", "dense", 2.0),
          row("gcnbench-cpu/cpu/sparse+sparse-x", "sparse", "sparse", 0.5),
          row("pyg/cpu/sparse", "sparse", "dense", 4.0),
          row("gcnbench-cpu/cpu/sparse", "sparse", "dense", 1.0),
          row("gcnbench-cuda/cuda/dense (per run)", "dense", "dense", 0.1, "per-run"),
          row("gcnbench-cuda/cuda/dense (dispatch)", "dense", "dense", 0.001, "dispatch")};
}

TEST(LikeWithLike, SpeedupsCompareOnlyTheSameComputation) {
  std::vector<nlohmann::json> rows = table_rows();
  EXPECT_EQ(apply_speedups(rows, ""), "");
  auto r = by_label(rows);
  // Each against PyTorch on the CPU of its own computation.
  EXPECT_EQ(r["gcnbench-cpu/cpu/dense"]["baseline"], "torch-dense/cpu/dense");
  EXPECT_DOUBLE_EQ(r["gcnbench-cpu/cpu/dense"]["speedup"].get<double>(), 5.0);
  EXPECT_EQ(r["gcnbench-cpu/cpu/sparse+sparse-x"]["baseline"], "torch-sparse/cpu/sparse");
  EXPECT_DOUBLE_EQ(r["gcnbench-cpu/cpu/sparse+sparse-x"]["speedup"].get<double>(), 16.0);
  // Sparse A_hat with dense X has no PyTorch row: its first row (PyG) is the baseline.
  EXPECT_EQ(r["gcnbench-cpu/cpu/sparse"]["baseline"], "pyg/cpu/sparse");
  EXPECT_DOUBLE_EQ(r["gcnbench-cpu/cpu/sparse"]["speedup"].get<double>(), 4.0);
  // Another timing is another computation; dispatch time gets none.
  EXPECT_EQ(r["gcnbench-cuda/cuda/dense (per run)"]["baseline"], "gcnbench-cuda/cuda/dense (per run)");
  EXPECT_TRUE(r["gcnbench-cuda/cuda/dense (dispatch)"]["speedup"].is_null());
  EXPECT_EQ(computation_of(r["pyg/cpu/sparse"]), "sparse adjacency, dense features, preset mlx-gcn, per-epoch timing");
}

TEST(LikeWithLike, ARequestedBaselineLeavesOtherComputationsWithoutASpeedup) {
  std::vector<nlohmann::json> rows = table_rows();
  EXPECT_EQ(apply_speedups(rows, "gcnbench-cpu/cpu/dense"), "");
  auto r = by_label(rows);
  EXPECT_DOUBLE_EQ(r["torch-dense/cpu/dense"]["speedup"].get<double>(), 0.2);
  EXPECT_TRUE(r["torch-sparse/cpu/sparse"]["speedup"].is_null());
  EXPECT_NE(r["torch-sparse/cpu/sparse"]["speedup_note"].get<std::string>().find("sparse adjacency, sparse features"),
            std::string::npos);
  EXPECT_TRUE(r["gcnbench-cpu/cpu/sparse+sparse-x"]["speedup"].is_null());
  // A baseline that is not there: each computation keeps its own, with a warning.
  std::vector<nlohmann::json> again = table_rows();
  EXPECT_NE(apply_speedups(again, "mlx/cpu"), "");
  EXPECT_EQ(by_label(again)["gcnbench-cpu/cpu/dense"]["baseline"], "torch-dense/cpu/dense");
}

// The floor of a profiled gcnbench row goes to every row of its computation on its device, the
// peers' included, and to no other.
TEST(LikeWithLike, AProfiledRowGivesItsFloorToItsComputationOnItsDevice) {
  std::vector<nlohmann::json> rows = table_rows();
  for (auto& r : rows) {
    r["device"] = r["label"].get<std::string>().find("/cuda/") != std::string::npos ? "cuda" : "cpu";
    r["host"] = "vm";
  }
  rows[2]["profile"] = {{"summary", {{"floor_ms", 0.5}}},
                        {"steps", {{{"bytes", 1e6}}, {{"bytes", 3e6}}}}};  // gcnbench-cpu/cpu/dense
  apply_floors(rows);
  auto r = by_label(rows);
  EXPECT_DOUBLE_EQ(r["gcnbench-cpu/cpu/dense"]["floor_fraction"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(r["torch-dense/cpu/dense"]["floor_fraction"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(r["torch-dense/cpu/dense"]["epoch_gb_per_s"].get<double>(), 4e6 / (10.0 * 1e6));
  EXPECT_EQ(r["torch-dense/cpu/dense"]["floor_from"], "gcnbench-cpu/cpu/dense");
  EXPECT_TRUE(r["torch-sparse/cpu/sparse"]["floor_ms"].is_null());              // another computation
  EXPECT_TRUE(r["gcnbench-cuda/cuda/dense (per run)"]["floor_ms"].is_null());   // another device and timing
}

}  // namespace
}  // namespace gcn
