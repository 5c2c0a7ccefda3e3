// The framework peers in peers/ that bench can run, as data: which script, which variant flag,
// which Python module the interpreter must import, the adjacency it uses and the devices it
// supports. Adding a peer = one entry in peers.cpp.
#pragma once

#include <string>
#include <vector>

namespace gcn {

struct PeerSpec {
  std::string name;                  // "torch-dense": the row's implementation and the --peers word
  std::string script;                // file in the peers directory
  std::vector<std::string> args;     // e.g. {"--variant", "dense"}
  std::string module;                // what the interpreter must import: "torch", "jax"...
  std::string adj;                   // "dense" or "sparse"
  std::string features;              // how it stores X: "dense" or "sparse"
  std::vector<std::string> devices;  // devices the script supports
  // Chosen by "all" and by its group's prefix ("mlx"); false: only by its own name (variants
  // that reproduce another benchmark's quirks, not part of the default table).
  bool in_groups = true;
};

const std::vector<PeerSpec>& peer_catalog();

// What a bench row computes besides the model: the storage of A_hat and of X.
struct Computation {
  std::string adj, features;
  bool operator==(const Computation&) const = default;
};

// The gcnbench computations a default bench runs: the preset's, then every other one a selected
// peer uses, so that each peer has a gcnbench row of its own computation to compare with
// (torch-sparse: sparse A_hat and sparse X; PyG: sparse A_hat, dense X).
std::vector<Computation> default_computations(const Computation& preset, const std::vector<PeerSpec>& peers);

// "all" -> every peer in the groups, "none" or "" -> none; otherwise comma-separated names or
// group prefixes ("torch" = torch-dense and torch-sparse). Throws gcn::Error naming the known peers on a typo.
std::vector<PeerSpec> select_peers(const std::vector<std::string>& list);

// peers/ of the source tree ($GCNBENCH_PEERS overrides it).
std::string default_peers_dir();

// Empty if `device` can exist here, else why not (mps off macOS, cuda without an NVIDIA GPU).
std::string device_absent_reason(const std::string& device);

}  // namespace gcn
