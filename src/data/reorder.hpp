// Node renumbering for locality (`--reorder`), done once in the data layer before normalization,
// so that every backend and peer trains on the renumbered graph: neighbours that are near in the
// numbering are near in memory, and an SpMM's gathers of their rows hit cache more often.
//   none       the loader's order
//   degree     by degree, highest first (hubs' rows together; ties by id)
//   rcm        reverse Cuthill-McKee (Boost.Graph): a breadth-first order from a pseudo-peripheral
//              node of each component, reversed; small bandwidth
//   community  label propagation (synchronous, deterministic for any thread count, at most
//              kCommunityRounds rounds), then communities in order of their smallest node id,
//              each community's nodes in id order
// Renumbering is a permutation: losses and accuracies change only by summation order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/memory_item.hpp"
#include "data/dataset.hpp"
#include "data/graph_shape.hpp"

namespace gcn {

enum class Reorder { None, Degree, Rcm, Community };

constexpr int kCommunityRounds = 10;

// "none", "degree", "rcm" or "community"; throws gcn::Error listing them otherwise.
Reorder parse_reorder(const std::string& text);
const char* to_string(Reorder how);

// The new numbering as order[new id] = old id, a permutation of 0..n-1.
std::vector<int32_t> node_order(const Csr<float>& adjacency, Reorder how);

// `data` with node order[k] renamed k: adjacency rows and columns (columns ascending again),
// feature rows, labels and the split.
Dataset renumbered(Dataset data, const std::vector<int32_t>& order);

// What node_order and renumbered hold at their peak beyond the dataset itself (run_memory's
// "renumbers the nodes" phase); nothing for none.
MemoryItems renumbering_memory(const GraphShape& shape, Reorder how, const std::string& source);

// `convert --reorder`'s record of the renumbering, beside the written graph: line k holds the
// loader's id of node k, so that results on the written graph can be mapped back.
constexpr const char* kNodeOrderFile = "node_order.txt";
void write_node_order(const std::vector<int32_t>& order, const std::string& path);

}  // namespace gcn
