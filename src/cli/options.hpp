// Flags shared by the subcommands: where the data comes from, the model configuration (a
// preset plus per-field overrides) and seed lists.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "model/config.hpp"

namespace gcn::cli {

// Bounds of the model flags, in every command alike. Deeper GCNs only oversmooth (and the cuda
// backend packs the Adam segments of at most 16 layers); the widths and epochs are far above any
// published model, and the memory a run needs is checked on its own.
constexpr int64_t kMaxLayers = 16;
constexpr int64_t kMaxHidden = int64_t{1} << 20;
constexpr int64_t kMaxEpochs = 10'000'000;

struct DataOptions {
  std::string dataset;           // --dataset cora|citeseer
  std::string data_path;         // --data DIR or PATH/name.content
  std::string synthetic;         // --synthetic SPEC
  bool allow_edgeless = false;   // --allow-edgeless: a graph without edges is not an error
  std::string reorder = "none";  // --reorder none|degree|rcm|community (data/reorder.hpp)
};

void add_data_options(CLI::App& app, DataOptions& options);
// --reorder none|degree|rcm|community, as every command that loads a graph takes it.
void add_reorder_option(CLI::App& app, std::string& reorder);

// The graphs of a benchmark (bench, ops): --dataset (a comma list, repeatable), --data and
// --synthetic (repeatable), --allow-edgeless, --reorder (a comma list). sources() lists them in
// that order, each graph once per --reorder method, Cora when none is given; each source's
// `words` select it on a child's command line.
struct DataSource {
  std::vector<std::string> words;
  DataOptions options;
};
struct SourceFlags {
  std::vector<std::string> datasets, data_paths, synthetics;
  bool allow_edgeless = false;
  std::vector<std::string> reorders;  // --reorder none,rcm: every graph once per method
  void add_to(CLI::App& app);
  std::vector<DataSource> sources() const;
};
// Exactly one source must be given; "cora" when none is. A graph with no edge after loading (an
// empty .cites file, citations that all name unknown papers) is an error unless allowed.
Dataset load_dataset(const DataOptions& options);
// `data` renumbered by --reorder's method (data/reorder.hpp), with the time it took on stderr;
// `order`, when given, receives order[new id] = the loader's id (empty for none).
Dataset renumbered_for_locality(Dataset data, const std::string& reorder, std::vector<int32_t>* order = nullptr);
// A short label for reports: "cora", the directory name, or the synthetic name.
std::string describe_data_source(const DataOptions& options);

// Model flags: the preset, then every field the user set explicitly on top.
class ModelOptions {
 public:
  void add_to(CLI::App& app, const std::string& default_preset);
  ModelConfig resolve() const;
  // The flags the user set on top of `base` instead of a preset (`train --problem`: the
  // exported problem's configuration). --preset cannot be given then, and the row normalization
  // of the features, already applied to the exported features, cannot change.
  ModelConfig resolve_over(const ModelConfig& base) const;
  // The flags the user set, as command-line words (passed on to child processes).
  std::vector<std::string> explicit_arguments() const;

 private:
  ModelConfig apply_to(ModelConfig config) const;
  bool given(const char* flag) const;

  std::string preset_;
  ModelConfig values_;
  bool input_dropout_ = false, no_input_dropout_ = false;
  bool bias_before_ = false, bias_after_ = false, no_bias_ = false;
  bool wd_first_ = false, wd_all_ = false;
  bool row_normalize_ = false, no_row_normalize_ = false;
  bool val_train_ = false, val_eval_ = false;
  std::string adjacency_, features_;
  std::vector<CLI::Option*> options_;
};

// The flags of how a benchmark runs its rows, the same in `bench` and `ops`: runs per row, the
// threads of the cpu backend and the peers, each child's time limit, the peers' directory and
// the results directory.
struct RunFlags {
  int runs = 5;
  int threads = 0;
  double timeout_s = 600;
  std::string peers_dir;  // default: bench/peers.hpp's default_peers_dir()
  std::string out;
  bool force = false;
  // `default_out` says in --help what an empty --out becomes ("results/<date>-<host>").
  void add_to(CLI::App& app, const std::string& default_out);
};

// "3", "0-9", "0,4,7", "0-2,8": ascending order preserved as written; throws on bad input.
std::vector<uint64_t> parse_seeds(const std::string& text);

}  // namespace gcn::cli
