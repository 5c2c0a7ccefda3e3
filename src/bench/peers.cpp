#include "core/install_layout.hpp"
#include "bench/peers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "bench/process.hpp"
#include "core/word_list.hpp"
#include "core/error.hpp"

namespace gcn {

const std::vector<PeerSpec>& peer_catalog() {
  static const std::vector<PeerSpec> peers = {
      {"torch-dense", "torch_gcn.py", {"--variant", "dense"}, "torch", "dense", "dense", {"cpu", "cuda", "mps"}},
      {"torch-sparse", "torch_gcn.py", {"--variant", "sparse"}, "torch", "sparse", "sparse", {"cpu", "cuda"}},
      {"pyg", "pyg_gcn.py", {}, "torch_geometric", "sparse", "dense", {"cpu", "cuda"}},
      // torch.compile of the two torch models (torch >= 2): chosen by name, never by a group,
      // since each run compiles for seconds first.
      {"torch-dense-compile", "torch_gcn.py", {"--variant", "dense", "--compile"}, "torch", "dense", "dense",
       {"cpu", "cuda"}, false},
      {"torch-sparse-compile", "torch_gcn.py", {"--variant", "sparse", "--compile"}, "torch", "sparse", "sparse",
       {"cpu", "cuda"}, false},
      {"jax-dense", "jax_gcn.py", {"--variant", "dense"}, "jax", "dense", "dense", {"cpu", "cuda"}},
      {"jax-sparse", "jax_gcn.py", {"--variant", "sparse"}, "jax", "sparse", "sparse", {"cpu", "cuda"}},
      {"mlx", "mlx_gcn.py", {}, "mlx.core", "dense", "dense", {"cpu", "cuda", "mps"}},
      // The MLX-vs-CUDA benchmark's own MLX regularizer, to reproduce its MLX row.
      {"mlx-l2norm", "mlx_gcn.py", {"--regularizer", "mlx-gcn-l2norm"}, "mlx.core", "dense", "dense", {"cpu", "cuda", "mps"},
       false},
  };
  return peers;
}

std::vector<Computation> default_computations(const Computation& preset, const std::vector<PeerSpec>& peers) {
  std::vector<Computation> list = {preset};
  for (const auto& peer : peers) {
    const Computation c{peer.adj, peer.features};
    if (std::find(list.begin(), list.end(), c) == list.end()) list.push_back(c);
  }
  return list;
}

std::vector<PeerSpec> select_peers(const std::vector<std::string>& list) {
  if (list.empty() || is_none(list)) return {};
  if (is_all(list)) {
    std::vector<PeerSpec> grouped;
    for (const auto& peer : peer_catalog())
      if (peer.in_groups) grouped.push_back(peer);
    return grouped;
  }
  std::vector<PeerSpec> chosen;
  for (const std::string& word : list) {
    bool matched = false;
    for (const auto& peer : peer_catalog()) {
      if (peer.name == word || (peer.in_groups && peer.name.starts_with(word + "-"))) {
        matched = true;
        bool already = false;
        for (const auto& c : chosen) already |= c.name == peer.name;
        if (!already) chosen.push_back(peer);
      }
    }
    if (!matched) {
      std::string known;
      for (const auto& peer : peer_catalog()) known += (known.empty() ? "" : ", ") + peer.name;
      fail("--peers: unknown peer '" + word + "' (known: " + known + ", torch, jax, all, none)");
    }
  }
  return chosen;
}

std::string default_peers_dir() {
  if (const char* env = std::getenv("GCNBENCH_PEERS"); env && *env) return env;
  return shipped_path("peers").string();
}

std::string device_absent_reason(const std::string& device) {
  if (device == "mps") {
#if defined(__APPLE__)
    return "";
#else
    return "mps needs macOS (Apple Metal)";
#endif
  }
  if (device == "cuda") {
    if (!find_on_path("nvidia-smi").empty() || access("/dev/nvidiactl", F_OK) == 0) return "";
    return "no NVIDIA GPU here (no nvidia-smi, no /dev/nvidiactl)";
  }
  return "";
}

}  // namespace gcn
