// Every way to get a Dataset: the plain-text format of ../shared/data, the original linqs
// .content/.cites files, seeded synthetic graphs, and dataset names resolved to directories.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.hpp"

namespace gcn {

// Directory with meta.txt, edges.txt, features.txt, labels.txt, split.txt (../shared/data/README.md).
Dataset load_text_dataset(const std::string& dir);

// linqs `<name>.content` (`<paper_id> <0/1 x F> <class>`), with `<name>.cites` beside it
// (`<cited_id> <citing_id>`). Classes are numbered in sorted order of their names; the split
// is the MLX-vs-CUDA benchmark's: train 0-139, val 200-499, test 500-1499 in file order.
Dataset load_linqs_dataset(const std::string& content_path);

// An edge list: `edges_path` holds `u v` per line (whitespace-separated, `#` starts a comment,
// any non-negative integer ids, each edge once in either direction or both; self loops and
// repeats dropped), with labels.txt beside it (`id label`, label a class number; nodes without a
// line are unlabelled) and optionally features.txt (`id index:value ...`, or `index` for 1.0;
// without it, each node's one-hot degree, capped at 63). Nodes are numbered by ascending id.
// The split is seeded_split's with kSplitSeed.
Dataset load_edge_list_dataset(const std::string& edges_path);

// An OGB node-property directory (raw/ and split/<name>/ as the download unpacks them; files
// .csv.gz or .csv): num-node-list, edge (made undirected), node-feat, node-label (empty or nan:
// unlabelled), and the official split. Rows of node-feat are stored sparse (zeros dropped).
Dataset load_ogb_dataset(const std::string& dir);

// A NumPy .npz graph (data/npz_format.cpp): Shchur et al.'s layout (adj_* CSR, attr_* CSR or a
// dense attr_matrix / features, labels; split drawn by seeded_split) or the heterophilous
// benchmarks' (node_features, node_labels, edges, train/val/test_masks: the first split).
Dataset load_npz_dataset(const std::string& path);

// The split of a graph that comes without one: the labelled nodes shuffled with `seed`, then up
// to kSplitTrainPerClass per class for training (in shuffled order), and of the labelled rest R
// the next min(kSplitVal, R / 3) for validation and min(kSplitTest, what remains) for testing.
constexpr int64_t kSplitTrainPerClass = 20, kSplitVal = 500, kSplitTest = 1000;
constexpr uint64_t kSplitSeed = 0;
std::vector<Split> seeded_split(const std::vector<int32_t>& labels, int num_classes, uint64_t seed);

// Writes `data` in the plain-text format (load_text_dataset reads it back unchanged), each file
// atomically; binary feature rows as ids, others as `id:value` with every float's exact value.
void write_text_dataset(const Dataset& data, const std::string& dir);

struct SyntheticSpec {
  int64_t nodes = 10000;
  double degree = 10.0;          // mean undirected degree
  int64_t features = 128;
  int classes = 8;
  uint64_t seed = 0;
  double feature_density = 1.0;  // fraction of features nonzero per node (1 = dense)
  double homophily = 0.8;        // fraction of a node's edges that stay inside its class
};

// "nodes=N,degree=D,features=F,classes=C,seed=S[,density=P][,homophily=H]", or
// "like=arxiv|reddit|products|papers100m" (that graph's nodes, mean degree, features and
// classes, seed 0) with any of those keys beside it overriding the shape's value.
SyntheticSpec parse_synthetic_spec(const std::string& text);

// The train/val/test sizes generate_synthetic gives a spec, without generating it.
struct SyntheticSplitCounts {
  int64_t train = 0, val = 0, test = 0;
};
SyntheticSplitCounts synthetic_split_counts(const SyntheticSpec& spec);

// Planted-partition graph whose features correlate with the classes; O(edges) time and memory,
// deterministic for a spec.
Dataset generate_synthetic(const SyntheticSpec& spec);

// `--dataset NAME`: NAME in core/install_layout's default_data_dir(). Throws with the way to
// get the data (scripts/get-data) when the directory does not exist.
// Returns the text-format directory when NAME/meta.txt exists; otherwise the linqs file
// NAME/NAME.content or NAME-linqs/NAME.content (where scripts/get-data unpacks a download).
// Either way the result is a path load_dataset_path() accepts.
std::string resolve_dataset_dir(const std::string& name);

// `--data PATH`: a text-format directory (meta.txt), a linqs `.content` file, a `.npz` file, an OGB
// node-property directory (raw/ and split/), or an edge list (a file such as DIR/edges.txt, or a
// directory with edges.txt and no meta.txt).
Dataset load_dataset_path(const std::string& path);
// Which of those load_dataset_path reads at `path`: "text", "linqs", "npz", "ogb" or "edge list". Throws as
// load_dataset_path does for a path that is none of them.
std::string dataset_format(const std::string& path);

// `--dataset NAME`: resolve_dataset_dir, then the loader that fits.
Dataset load_named_dataset(const std::string& name);

// Undirected binary adjacency in CSR from an edge list: both directions stored, self loops and
// duplicates dropped; ids must be < num_nodes (checked by the caller, who knows file and line).
Csr<float> adjacency_from_edges(int64_t num_nodes, const std::vector<std::pair<int32_t, int32_t>>& edges);

}  // namespace gcn
