#include "cli/options.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "bench/peers.hpp"
#include "cli/flag_checks.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/reorder.hpp"

namespace gcn::cli {

namespace {

constexpr const char* kReorderHelp =
    "Renumber the nodes for locality before normalization: none (the loader's order), degree (highest first), "
    "rcm (reverse Cuthill-McKee), community (label propagation); every backend and peer trains on the renumbered "
    "graph, named NAME+METHOD";

const CLI::IsMember& reorder_methods() {
  static const CLI::IsMember methods({"none", "degree", "rcm", "community"});
  return methods;
}

}  // namespace

void add_reorder_option(CLI::App& app, std::string& reorder) {
  app.add_option("--reorder", reorder, kReorderHelp)->capture_default_str()->check(reorder_methods());
}

void add_data_options(CLI::App& app, DataOptions& options) {
  auto* dataset = app.add_option("--dataset", options.dataset,
                                 "Dataset by name (cora, citeseer): $GCNBENCH_DATA/NAME, else NAME in the data folder "
                                 "beside gcnbench (a build tree's: the repo's data/, filled by scripts/get-data), "
                                 "else in ${XDG_DATA_HOME:-~/.local/share}/gcnbench")
                      ->check(non_empty_path());
  auto* data = app.add_option("--data", options.data_path,
                              "Dataset: a directory in the plain-text format, a linqs PATH/NAME.content file "
                              "(NAME.cites beside it), or an edge list (PATH/edges.txt with labels.txt beside it, "
                              "or their directory); README \"Data formats\"")
                   ->check(non_empty_path());
  auto* synthetic = app.add_option("--synthetic", options.synthetic,
                                   "Synthetic planted-partition graph: nodes=N,degree=D,features=F,classes=C,seed=S"
                                   "[,density=P][,homophily=H]")
                        ->check(non_empty_path());
  app.add_flag("--allow-edgeless", options.allow_edgeless,
               "Train even when the graph has no edge after loading (then a GCN is a per-node MLP)");
  add_reorder_option(app, options.reorder);
  dataset->excludes(data)->excludes(synthetic);
  data->excludes(synthetic);
}

namespace {

Dataset load_any_dataset(const DataOptions& options) {
  if (!options.synthetic.empty()) return generate_synthetic(parse_synthetic_spec(options.synthetic));
  if (!options.data_path.empty()) {
    // Which reader a path gets is decided by what is there: say which one it was.
    const std::string format = dataset_format(options.data_path);
    std::cerr << "gcnbench: --data " << options.data_path << ": " << format << " format\n";
    return load_dataset_path(options.data_path);
  }
  return load_named_dataset(options.dataset.empty() ? "cora" : options.dataset);
}

}  // namespace

Dataset load_dataset(const DataOptions& options) {
  Dataset data = load_any_dataset(options);
  if (data.num_undirected_edges() == 0 && data.num_nodes > 1 && !options.allow_edgeless) {
    const std::string& path = options.data_path;
    const std::string where = !options.synthetic.empty()   ? "--synthetic " + options.synthetic
                              : path.ends_with(".content") ? path.substr(0, path.size() - 8) + ".cites"
                              : !path.empty()              ? path + "/edges.txt"
                                                           : describe_data_source(options);
    fail(where +
         ": the graph has no edge after loading (an empty file, or every citation names an unknown paper); "
         "pass --allow-edgeless to train on it anyway");
  }
  return renumbered_for_locality(std::move(data), options.reorder);
}

Dataset renumbered_for_locality(Dataset data, const std::string& reorder, std::vector<int32_t>* order) {
  const Reorder how = parse_reorder(reorder);
  if (how == Reorder::None) return data;
  const auto start = std::chrono::steady_clock::now();
  std::vector<int32_t> new_order = node_order(data.adjacency, how);
  data = renumbered(std::move(data), new_order);
  data.name += std::string("+") + to_string(how);
  std::fprintf(stderr, "gcnbench: nodes renumbered by %s in %.3f s\n", to_string(how),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (order) *order = std::move(new_order);
  return data;
}

std::string describe_data_source(const DataOptions& options) {
  const std::string graph = !options.synthetic.empty()   ? "synthetic:" + options.synthetic
                            : !options.data_path.empty() ? options.data_path
                            : options.dataset.empty()    ? "cora"
                                                         : options.dataset;
  return options.reorder == "none" ? graph : graph + "+" + options.reorder;
}

void ModelOptions::add_to(CLI::App& app, const std::string& default_preset) {
  preset_ = default_preset;
  values_ = preset_config(default_preset);
  options_.push_back(app.add_option("--preset", preset_,
                                    "kipf (Kipf & Welling / PyG) or mlx-gcn (the MLX-vs-CUDA "
                                    "benchmark's PyTorch model); flags below override it")
                         ->capture_default_str());
  options_.push_back(
      app.add_option("--layers", values_.layers, "Number of GCN layers")->check(integer_in(1, kMaxLayers)));
  options_.push_back(app.add_option("--hidden", values_.hidden, "Hidden width")->check(integer_in(1, kMaxHidden)));
  options_.push_back(app.add_option("--dropout", values_.dropout, "Dropout probability (0 disables dropout)")
                         ->check(finite_in(0, 1, false, true)));
  options_.push_back(app.add_flag("--input-dropout", input_dropout_, "Dropout on the features too (kipf)"));
  options_.push_back(app.add_flag("--no-input-dropout", no_input_dropout_, "Dropout only on hidden layers (mlx-gcn)"));
  options_.push_back(app.add_flag("--bias-before-aggregation", bias_before_, "H' = A (H W + b) (mlx-gcn)"));
  options_.push_back(app.add_flag("--bias-after-aggregation", bias_after_, "H' = A (H W) + b (kipf, PyG)"));
  options_.push_back(app.add_flag("--no-bias", no_bias_, "No bias"));
  options_.push_back(
      app.add_option("--lr", values_.lr, "Adam learning rate")->check(finite_in(0, HUGE_VAL, true, true)));
  options_.push_back(app.add_option("--weight-decay", values_.weight_decay, "L2 weight decay added to the gradient")
                         ->check(finite_in(0, HUGE_VAL, false, true)));
  options_.push_back(app.add_flag("--weight-decay-first-layer", wd_first_, "Weight decay on layer 0 only (kipf)"));
  options_.push_back(app.add_flag("--weight-decay-all-layers", wd_all_, "Weight decay on every parameter (mlx-gcn)"));
  options_.push_back(
      app.add_option("--epochs", values_.epochs, "Training epochs per run")->check(integer_in(1, kMaxEpochs)));
  options_.push_back(app.add_flag("--row-normalize", row_normalize_, "Row-normalize features (kipf)"));
  options_.push_back(app.add_flag("--raw-features", no_row_normalize_, "Keep raw feature values (mlx-gcn)"));
  options_.push_back(app.add_option("--adj", adjacency_, "Adjacency: sparse (CSR SpMM) or dense (n x n matmul)")
                         ->check(CLI::IsMember({"sparse", "dense"})));
  options_.push_back(app.add_option("--features", features_, "Features: sparse (CSR) or dense")
                         ->check(CLI::IsMember({"sparse", "dense"})));
  options_.push_back(app.add_flag("--val-from-train-forward", val_train_,
                                  "Validation metrics from the training forward's logits (mlx-gcn)"));
  options_.push_back(app.add_flag("--val-from-eval-forward", val_eval_,
                                  "Validation metrics from a separate eval-mode forward (kipf)"));
}

bool ModelOptions::given(const char* flag) const {
  for (const auto* option : options_)
    if (option->check_lname(std::string(flag).substr(2)) && option->count() > 0) return true;
  return false;
}

ModelConfig ModelOptions::resolve() const { return apply_to(preset_config(preset_)); }

ModelConfig ModelOptions::resolve_over(const ModelConfig& base) const {
  if (given("--preset"))
    fail("--preset: the problem's own configuration is trained; flags such as --epochs or --lr change it, a preset "
         "cannot");
  const ModelConfig config = apply_to(base);
  if (config.row_normalize_features != base.row_normalize_features)
    fail("--row-normalize/--raw-features: the problem's features were exported " +
         std::string(base.row_normalize_features ? "row-normalized" : "as they are") + "; export it again to change that");
  return config;
}

ModelConfig ModelOptions::apply_to(ModelConfig config) const {
  if (given("--layers")) config.layers = values_.layers;
  if (given("--hidden")) config.hidden = values_.hidden;
  if (given("--dropout")) config.dropout = values_.dropout;
  if (input_dropout_) config.input_dropout = true;
  if (no_input_dropout_) config.input_dropout = false;
  if (bias_before_) config.bias_before_aggregation = true;
  if (bias_after_) config.bias_before_aggregation = false;
  if (no_bias_) config.bias = false;
  if (given("--lr")) config.lr = values_.lr;
  if (given("--weight-decay")) config.weight_decay = values_.weight_decay;
  if (wd_first_) config.weight_decay_first_layer_only = true;
  if (wd_all_) config.weight_decay_first_layer_only = false;
  if (given("--epochs")) config.epochs = values_.epochs;
  if (row_normalize_) config.row_normalize_features = true;
  if (no_row_normalize_) config.row_normalize_features = false;
  if (!adjacency_.empty()) config.adjacency = parse_adjacency_mode(adjacency_);
  if (!features_.empty()) config.features = parse_feature_mode(features_);
  if (val_train_) config.val_from_train_forward = true;
  if (val_eval_) config.val_from_train_forward = false;
  if (config.dropout < 0 || config.dropout >= 1) fail("--dropout must be in [0, 1)");
  if (config.layers < 1) fail("--layers must be at least 1");
  if (config.hidden < 1) fail("--hidden must be at least 1");
  if (config.epochs < 1) fail("--epochs must be at least 1");
  if (!(config.lr > 0)) fail("--lr must be positive");
  if (config.weight_decay < 0) fail("--weight-decay must not be negative");
  return config;
}

std::vector<std::string> ModelOptions::explicit_arguments() const {
  std::vector<std::string> args;
  for (const auto* option : options_) {
    if (option->count() == 0) continue;
    const std::string name = "--" + option->get_lnames().front();
    if (option->get_type_size() == 0) {
      args.push_back(name);
    } else {
      for (const auto& value : option->results()) {
        args.push_back(name);
        args.push_back(value);
      }
    }
  }
  return args;
}

std::vector<uint64_t> parse_seeds(const std::string& text) {
  std::vector<uint64_t> seeds;
  const auto parse_number = [&](std::string_view word) {
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (ec != std::errc() || end != word.data() + word.size() || word.empty())
      fail("--seeds: '" + std::string(word) + "' is not a non-negative integer (use e.g. 3, 0-9 or 0,4,7)");
    return value;
  };
  std::string_view rest = text;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      seeds.push_back(parse_number(item));
    } else {
      const uint64_t first = parse_number(item.substr(0, dash));
      const uint64_t last = parse_number(item.substr(dash + 1));
      if (last < first) fail("--seeds: range '" + std::string(item) + "' is empty");
      if (last - first >= 100000) fail("--seeds: range '" + std::string(item) + "' has more than 100000 seeds");
      for (uint64_t s = first;; ++s) {  // s <= last as a loop condition never ends at UINT64_MAX
        seeds.push_back(s);
        if (s == last) break;
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return seeds;
}

void RunFlags::add_to(CLI::App& app, const std::string& default_out) {
  peers_dir = default_peers_dir();
  app.add_option("--runs", runs, "Runs (processes, one seed each) per row")
      ->capture_default_str()
      ->check(integer_in(1, 100000));
  app.add_option("--threads", threads, "CPU threads for the cpu backend and the peers (default: theirs)")
      ->check(integer_in(0, kMaxThreads));
  app.add_option("--timeout", timeout_s, "Seconds before a run's process is killed")
      ->capture_default_str()
      ->check(finite_in(0, 1e6, true));
  app.add_option("--peers-dir", peers_dir, "Directory of the peer scripts")
      ->capture_default_str()
      ->check(non_empty_path());
  app.add_option("--out", out, "Results directory (default " + default_out + ")")->check(non_empty_path());
  app.add_flag("--force", force, "Overwrite the files of an existing --out directory");
}

void SourceFlags::add_to(CLI::App& app) {
  app.add_option("--dataset", datasets, "Dataset name(s): cora, citeseer (comma list; default cora)")->delimiter(',');
  app.add_option("--data", data_paths, "Dataset directory, PATH/NAME.content or an edge list (repeatable)")->check(non_empty_path());
  app.add_option("--synthetic", synthetics, "Synthetic graph nodes=N,degree=D,features=F,classes=C,seed=S (repeatable)");
  app.add_flag("--allow-edgeless", allow_edgeless, "Run even a graph with no edge after loading");
  app.add_option("--reorder", reorders, std::string(kReorderHelp) + " (comma list: each graph under each method)")
      ->delimiter(',')
      ->check(reorder_methods());
}

std::vector<DataSource> SourceFlags::sources() const {
  std::vector<DataSource> list;
  for (const auto& name : datasets) {
    DataSource s;
    s.words = {"--dataset", name};
    s.options.dataset = name;
    list.push_back(s);
  }
  for (const auto& path : data_paths) {
    DataSource s;
    s.words = {"--data", path};
    s.options.data_path = path;
    list.push_back(s);
  }
  for (const auto& spec : synthetics) {
    DataSource s;
    s.words = {"--synthetic", spec};
    s.options.synthetic = spec;
    list.push_back(s);
  }
  if (list.empty()) {
    DataSource s;
    s.words = {"--dataset", "cora"};
    s.options.dataset = "cora";
    list.push_back(s);
  }
  if (allow_edgeless)
    for (auto& s : list) {
      s.options.allow_edgeless = true;
      s.words.push_back("--allow-edgeless");
    }
  if (reorders.empty()) return list;
  std::vector<DataSource> renumbered;
  for (const DataSource& s : list)
    for (const std::string& how : reorders) {
      DataSource r = s;
      r.options.reorder = how;
      if (how != "none") r.words.insert(r.words.end(), {"--reorder", how});
      renumbered.push_back(std::move(r));
    }
  return renumbered;
}

}  // namespace gcn::cli
