#include "bench/published.hpp"

#include "core/error.hpp"

namespace gcn {
namespace {

struct PublishedFigure {
  const char* chip;            // the machine the article names
  const char* implementation;  // gcnbench's name for the same implementation
  const char* framework;
  const char* device;          // cpu, mps (Apple GPU), cuda
  const char* timing;          // what the figure measured (see the note)
  double epoch_ms;
  const char* commit;          // of TristanBilot/mlx-GCN whose viz.py holds the figure
  const char* date;
};

// TristanBilot/mlx-GCN viz.py. 6c6c095 (2023-12-16) holds the figures of the repository's chart
// today; 4f2e174 (2023-12-12) added the V100s to the article's first figures, which the M1 Pro
// CPU and MPS rows replaced later. Every figure: Cora, three GCN layers 1433-16-16-7 (the
// mlx-gcn preset), 50 epochs x 5 runs, mean of per-epoch host times with no warm-up. torch on
// CUDA and MPS never synchronizes inside the timing (dispatch time); torch on a CPU finishes
// its work inside it; MLX's includes mx.eval of the parameters and optimizer state.
constexpr PublishedFigure kMlxGcnFigures[] = {
    {"Apple M1 Pro", "torch-dense", "torch", "cpu", "per-epoch", 45.58, "6c6c095", "2023-12-16"},
    {"Apple M1 Pro", "torch-dense", "torch", "mps", "dispatch", 21.10, "6c6c095", "2023-12-16"},
    {"Apple M1 Pro", "mlx", "mlx", "mps", "per-epoch", 9.02, "6c6c095", "2023-12-16"},
    {"Apple M2 Ultra", "torch-dense", "torch", "cpu", "per-epoch", 9.31, "6c6c095", "2023-12-16"},
    {"Apple M2 Ultra", "torch-dense", "torch", "mps", "dispatch", 7.19, "6c6c095", "2023-12-16"},
    {"Apple M2 Ultra", "mlx", "mlx", "mps", "per-epoch", 5.8, "6c6c095", "2023-12-16"},
    {"Apple M3 Max", "torch-dense", "torch", "cpu", "per-epoch", 7.07, "6c6c095", "2023-12-16"},
    {"Apple M3 Max", "torch-dense", "torch", "mps", "dispatch", 4.8, "6c6c095", "2023-12-16"},
    {"Apple M3 Max", "mlx", "mlx", "mps", "per-epoch", 4.72, "6c6c095", "2023-12-16"},
    {"Tesla V100 (PCIe)", "torch-dense", "torch", "cuda", "dispatch", 3.83, "6c6c095", "2023-12-16"},
    {"Tesla V100 (NVLink)", "torch-dense", "torch", "cuda", "dispatch", 3.51, "6c6c095", "2023-12-16"},
    {"Apple M1 Pro (first article figure)", "torch-dense", "torch", "cpu", "per-epoch", 58.69, "4f2e174", "2023-12-12"},
    {"Apple M1 Pro (first article figure)", "torch-dense", "torch", "mps", "dispatch", 40.74, "4f2e174", "2023-12-12"},
};

nlohmann::json figure_row(const PublishedFigure& f, const std::string& dataset) {
  const std::string source = std::string("TristanBilot/mlx-GCN viz.py at ") + f.commit + " (" + f.date + ")";
  const std::string label = std::string("published/") + f.implementation + "/" + f.device + "/" + f.chip;
  return {{"schema", "gcnbench-result-2"},
          {"label", label},
          {"status", "reference"},
          {"reason", "published, not measured here: " + source},
          {"source", source},
          {"dataset", dataset},
          {"implementation", f.implementation},
          {"device", f.device},
          {"adj", "dense"},
          {"preset", "mlx-gcn"},
          {"epochs", 50},
          {"warmup", 0},
          {"runs", 5},
          {"seeds", nlohmann::json::array()},
          {"command", ""},
          {"host", "published"},
          {"environment", nlohmann::json::object()},
          {"python", nullptr},
          {"framework", f.framework},
          {"framework_version", nullptr},
          {"device_name", f.chip},
          {"features", "dense"},
          {"threads", nullptr},
          {"blas", nullptr},
          {"compile_ms", nullptr},
          {"layers", 3},
          {"timing", f.timing},
          {"epoch_ms", {{"mean", f.epoch_ms}}},
          {"test_acc_mean", nullptr},
          {"test_acc_std", nullptr},
          {"test_loss_mean", nullptr},
          {"peak_host_bytes", nullptr},
          {"peak_device_bytes", nullptr},
          {"speedup", nullptr},
          {"baseline", nullptr}};
}

}  // namespace

std::vector<std::string> published_reference_names() { return {"mlx-gcn"}; }

std::vector<nlohmann::json> published_rows(const std::string& name, const std::string& dataset) {
  if (name != "mlx-gcn") fail("--reference: unknown published benchmark '" + name + "' (known: mlx-gcn)");
  std::vector<nlohmann::json> rows;
  if (dataset != "cora") return rows;
  for (const auto& f : kMlxGcnFigures) rows.push_back(figure_row(f, dataset));
  return rows;
}

}  // namespace gcn
