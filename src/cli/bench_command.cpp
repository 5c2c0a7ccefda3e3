// `gcnbench bench`: every backend and peer on the same problem, one process per run, runs
// interleaved; a table on the terminal and a results directory (docs/benchmarks.md).
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "backends/backend.hpp"
#include "bench/aggregate.hpp"
#include "bench/environment.hpp"
#include "bench/interrupt.hpp"
#include "bench/peers.hpp"
#include "bench/published.hpp"
#include "bench/python.hpp"
#include "bench/runner.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "cli/problem_loading.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/self_path.hpp"
#include "model/problem_files.hpp"
#include "model/problem.hpp"
#include "report/result_dir.hpp"
#include "report/table.hpp"

namespace gcn::cli {
namespace {

// bench's exit status when a row failed: not 2 (a request refused before anything ran).
constexpr int kRowsFailedExitCode = 1;

// One data source: the words that select it on a child's command line, and its exported problem.
struct Source {
  std::vector<std::string> words;
  DataOptions options;
  std::string dataset;      // the loaded dataset's name
  std::string problem_dir;  // export for the peers
  nlohmann::json size;      // the graph's size, as every row of it carries it
};

struct BenchCommand {
  std::string backends = "all", peers = "all", peer_devices = "cpu,cuda,mps";
  SourceFlags source_flags;
  std::string adj, preset = "mlx-gcn", baseline, out, peers_dir = default_peers_dir(), timing_list, reference;
  int runs = 5, epochs = 0, warmup = 5, threads = 0, profile = 5;
  double timeout_s = 600;
  bool force = false, per_run_timing = false;
  CLI::App* app = nullptr;

  // Model flags other than --preset/--epochs/--adj pass through to every child; they are
  // checked here by the same parser `train` uses, so a typo stops bench before it starts.
  CLI::App model_parser{"model flags"};
  ModelOptions model;

  std::vector<std::string> model_words() {
    std::vector<std::string> extras = app->remaining();
    std::vector<std::string> words = extras;
    words.insert(words.end(), {"--preset", preset});
    if (epochs > 0) words.insert(words.end(), {"--epochs", std::to_string(epochs)});
    model.add_to(model_parser, preset);
    std::vector<std::string> reversed(words.rbegin(), words.rend());
    try {
      model_parser.parse(reversed);
    } catch (const CLI::ParseError& e) {
      fail("bench: " + std::string(e.what()) + " (model flags are those of `gcnbench train --help`)");
    }
    return model.explicit_arguments();
  }

  // --timing as a list: per-epoch (the default) and per-run time every row; dispatch adds rows
  // for the implementations the MLX-vs-CUDA benchmark timed that way (gcnbench cuda, the torch
  // and MLX peers on a GPU), always beside synchronized rows to read them against.
  std::vector<std::string> timings() const {
    std::vector<std::string> list = split_list(timing_list);
    if (per_run_timing) list.push_back("per-run");
    for (const auto& t : list)
      if (t != "per-epoch" && t != "per-run" && t != "dispatch")
        fail("--timing: '" + t + "' is none of per-epoch, per-run, dispatch");
    const auto has = [&](const char* t) { return std::find(list.begin(), list.end(), t) != list.end(); };
    std::vector<std::string> out;
    if (has("per-epoch") || !has("per-run")) out.push_back("per-epoch");
    if (has("per-run")) out.push_back("per-run");
    if (has("dispatch")) out.push_back("dispatch");
    return out;
  }

  // The label's suffix for a timing: none for the first synchronized timing of the list.
  static std::string timing_suffix(const std::string& timing, const std::vector<std::string>& all) {
    return timing == all.front() ? "" : "/" + timing;
  }

  static void add_timing_args(const std::string& timing, std::vector<std::string>& argv) {
    if (timing == "per-epoch") argv.push_back("--sync-every-epoch");
    if (timing == "dispatch") argv.insert(argv.end(), {"--timing", "dispatch"});
  }

  static bool times_dispatch(const std::string& implementation, const std::string& device) {
    if (device == "cpu") return false;  // a CPU epoch is done when its issuing is: nothing to show
    return implementation == "gcnbench-cuda" || implementation.starts_with("torch-") ||
           implementation.starts_with("mlx");
  }

  std::vector<Source> sources() const {
    std::vector<Source> list;
    for (auto& s : source_flags.sources()) {
      Source source;
      source.words = std::move(s.words);
      source.options = std::move(s.options);
      list.push_back(std::move(source));
    }
    return list;
  }

  // A gcnbench row's label: implementation/device/adjacency, then "+sparse-x" or "+dense-x" when
  // its features are stored otherwise than the preset stores them.
  static std::string computation_suffix(const Computation& c, const ModelConfig& config) {
    return c.adj + (c.features == to_string(config.features) ? "" : "+" + c.features + "-x");
  }

  std::vector<BenchRow> backend_rows(const Source& source, const std::vector<Computation>& modes,
                                     const std::vector<std::string>& model_args, const std::string& self,
                                     const ModelConfig& config) const {
    const std::vector<std::string> names = backends == "all" ? known_backends() : split_list(backends);
    std::vector<BenchRow> rows;
    const std::vector<std::string> all_timings = timings();
    for (const auto& name : names) {
      const std::string reason = backend_skip_reason(name);
      for (const auto& timing : all_timings)
        for (const auto& mode : modes) {
          BenchRow row;
          row.implementation = "gcnbench-" + name;
          row.device = name == "cuda" ? "cuda" : "cpu";
          if (timing == "dispatch" && !times_dispatch(row.implementation, row.device)) continue;
          row.adj = mode.adj;
          row.features = mode.features;
          row.timing = timing;
          row.label = row.implementation + "/" + row.device + "/" + computation_suffix(mode, config) +
                      timing_suffix(timing, all_timings);
          row.dataset = source.dataset;
          row.skipped_reason = reason;
          std::vector<std::string> base = {
              self, "train", "--json", "--backend", name, "--warmup", std::to_string(warmup)};
          add_timing_args(timing, base);
          if (threads > 0) base.insert(base.end(), {"--threads", std::to_string(threads)});
          base.insert(base.end(), source.words.begin(), source.words.end());
          base.insert(base.end(), model_args.begin(), model_args.end());
          base.insert(base.end(), {"--adj", mode.adj});
          if (mode.features != to_string(config.features)) base.insert(base.end(), {"--features", mode.features});
          // --profile: the first run's process profiles more epochs after its timed ones.
          const int profiled = timing == "dispatch" ? 0 : profile;
          row.command = [base, profiled](uint64_t seed) {
            auto argv = base;
            argv.insert(argv.end(), {"--seeds", std::to_string(seed)});
            if (profiled > 0 && seed == 0) argv.insert(argv.end(), {"--profile", std::to_string(profiled)});
            return argv;
          };
          rows.push_back(std::move(row));
        }
    }
    return rows;
  }

  std::vector<BenchRow> peer_rows(const Source& source, int resolved_epochs) const {
    std::vector<BenchRow> rows;
    const std::vector<std::string> all_timings = timings();
    for (const auto& peer : select_peers(peers)) {
      std::vector<std::string> tried;
      const std::string script = peers_dir + "/" + peer.script;
      std::string interpreter_reason;
      std::optional<std::string> python;
      if (access(script.c_str(), R_OK) != 0) {
        interpreter_reason = script + " not found";
      } else {
        python = find_python_with(peer.module, &tried);
        if (!python) {
          interpreter_reason = peer.module + " not installed: no Python here imports it (tried";
          for (size_t i = 0; i < tried.size(); ++i)
            interpreter_reason += (i ? ", " : " ") + tried[i].substr(0, tried[i].find(':'));
          interpreter_reason += "; GCNBENCH_PYTHON picks another)";
        }
      }
      for (const auto& timing : all_timings)
        for (const auto& device : split_list(peer_devices)) {
          bool supported = false;  // a combination that does not exist anywhere (pyg on mps) is no row
          for (const auto& d : peer.devices) supported |= d == device;
          if (!supported) continue;
          if (timing == "dispatch" && !times_dispatch(peer.name, device)) continue;
          BenchRow row;
          row.implementation = peer.name;
          row.device = device;
          row.adj = peer.adj;
          row.features = peer.features;
          row.timing = timing;
          row.label = peer.name + "/" + device + "/" + peer.adj + timing_suffix(timing, all_timings);
          row.dataset = source.dataset;
          row.python = python.value_or("");
          row.skipped_reason =
              !device_absent_reason(device).empty() ? device_absent_reason(device) : interpreter_reason;
          std::vector<std::string> base = {row.python, script};
          base.insert(base.end(), peer.args.begin(), peer.args.end());
          base.insert(base.end(), {"--problem", source.problem_dir, "--device", device, "--warmup",
                                   std::to_string(warmup), "--epochs", std::to_string(resolved_epochs)});
          add_timing_args(timing, base);
          if (threads > 0) base.insert(base.end(), {"--threads", std::to_string(threads)});
          row.command = [base](uint64_t seed) {
            auto argv = base;
            argv.insert(argv.end(), {"--seeds", std::to_string(seed)});
            return argv;
          };
          rows.push_back(std::move(row));
        }
    }
    return rows;
  }

  // Each peer that ran: its interpreter, that interpreter's Python version and the framework's
  // version, from its first run's summary.
  static nlohmann::json peer_versions(const std::vector<RowOutcome>& outcomes) {
    nlohmann::json list = nlohmann::json::array();
    std::set<std::string> seen;
    for (const auto& o : outcomes) {
      if (o.row.python.empty() || o.runs.empty() || !seen.insert(o.row.implementation).second) continue;
      const auto& s = o.runs.front().summary_event;
      list.push_back({{"implementation", o.row.implementation},
                      {"python", o.row.python},
                      {"python_version", s.value("python_version", nlohmann::json())},
                      {"framework", s.value("framework", nlohmann::json())},
                      {"framework_version", s.value("framework_version", nlohmann::json())}});
    }
    return list;
  }

  static std::string incomplete_note(int signal, const std::vector<nlohmann::json>& results) {
    size_t runs = 0;
    for (const auto& row : results)
      if (row.value("status", "") == "ok") runs += row.value("runs", size_t{0});
    return "incomplete: interrupted by signal " + std::to_string(signal) + " (" + strsignal(signal) + ") after " +
           std::to_string(runs) + " completed runs; rows show the runs each completed";
  }

  // --adj given: each of its modes with the preset's features. Else the preset's computation and
  // every other one a selected peer uses (bench/peers.hpp), unless --features fixes the features
  // of every row: then each peer's adjacency with those.
  std::vector<Computation> computations(const ModelConfig& config, const std::vector<PeerSpec>& peers,
                                        const std::vector<std::string>& model_args) const {
    const std::string features = to_string(config.features);
    std::vector<Computation> list;
    if (!adj.empty()) {
      for (const auto& m : split_list(adj)) list.push_back({m, features});
      return list;
    }
    const bool features_given = std::find(model_args.begin(), model_args.end(), "--features") != model_args.end();
    std::vector<PeerSpec> pairing = peers;
    if (features_given)
      for (auto& peer : pairing) peer.features = features;
    return default_computations({to_string(config.adjacency), features}, pairing);
  }

  void run() {
    if (backends != "all")
      for (const auto& name : split_list(backends)) {
        // A known backend this build lacks (cuda without nvcc) is a skipped row; a typo is an error.
        try {
          backend_skip_reason(name);
        } catch (const Error& e) {
          fail("--backends: " + std::string(e.what()) + " or all");
        }
      }
    const std::vector<std::string> model_args = model_words();
    const ModelConfig config = model.resolve();
    const std::vector<PeerSpec> selected_peers = select_peers(peers);  // unknown names fail now
    if (!reference.empty()) published_rows(reference, "");             // so does an unknown --reference
    timings();                                                         // and an unknown --timing word
    const std::vector<Computation> modes = computations(config, selected_peers, model_args);
    for (const auto& m : modes)
      if (m.adj != "dense" && m.adj != "sparse") fail("--adj: '" + m.adj + "' is neither dense nor sparse");

    nlohmann::json environment = capture_environment();
    if (out.empty()) out = "results/" + utc_date() + "-" + environment.value("host", "host");
    const OutputDirLock lock = prepare_output_dir(out, force);
    std::cerr << "gcnbench bench: results in " << out << "\n";

    const std::string self = self_executable().string();
    std::vector<Source> list = sources();
    std::vector<BenchRow> rows;
    for (size_t i = 0; i < list.size(); ++i) {
      Source& source = list[i];
      const Problem problem = *load_problem(source.options, config, MemoryCheck{});
      source.dataset = problem.dataset_name;
      source.problem_dir = out + "/problems/" + std::to_string(i) + "-" + problem.dataset_name;
      source.size = {{"nodes", problem.num_nodes},
                     {"adjacency_entries", problem.adjacency.nnz()},
                     {"features", problem.num_features},
                     {"feature_entries", problem.features.nnz()},
                     {"classes", problem.num_classes}};
      std::filesystem::create_directories(out + "/problems");
      export_problem(problem, source.problem_dir);
      for (auto& row : backend_rows(source, modes, model_args, self, config)) rows.push_back(std::move(row));
      for (auto& row : peer_rows(source, config.epochs)) rows.push_back(std::move(row));
    }

    catch_interrupts();
    RunnerOptions options;
    for (int r = 0; r < runs; ++r) options.seeds.push_back(static_cast<uint64_t>(r));
    options.timeout_s = timeout_s;
    options.stderr_log = out + "/stderr.log";
    options.progress = isatty(STDERR_FILENO);
    const std::vector<RowOutcome> outcomes = run_rows(rows, options);
    environment["end"] = machine_state();  // clocks, temperatures and load after the runs
    environment["peers"] = peer_versions(outcomes);

    RowContext context{config.preset, config.epochs, warmup, environment};
    std::vector<nlohmann::json> results;
    for (const auto& outcome : outcomes) {
      results.push_back(make_result_row(outcome, context));
      for (const auto& source : list)
        if (source.dataset == outcome.row.dataset) add_graph_size(results.back(), source.size);
    }
    ReportText text;
    const auto warn = [&](const std::string& note) {  // on the terminal and in report.md alike
      std::cerr << "gcnbench bench: warning: " << note << "\n";
      text.notes.push_back(note);
    };
    if (const std::string warning = apply_speedups(results, baseline); !warning.empty()) warn(warning);
    apply_floors(results);
    for (const auto& row : results)
      if (row.contains("warnings") && row["warnings"].is_array())
        for (const auto& w : row["warnings"])
          warn(row.value("label", "") + " (" + row.value("dataset", "") + "): " + w.get<std::string>());
    size_t published = 0;
    for (const auto& source : list)
      if (!reference.empty())
        for (auto& row : published_rows(reference, source.dataset)) {
          results.push_back(std::move(row));
          ++published;
        }
    if (published > 0 && (config.preset != "mlx-gcn" || config.layers != 3))
      warn("the published figures are of the mlx-gcn preset's three-layer model; the measured rows ran preset " +
           config.preset + " with " + std::to_string(config.layers) + " layers");
    if (!reference.empty() && published == 0)
      warn("--reference " + reference + ": its published figures are Cora's; none added here");
    sort_rows(results);
    std::string names;
    for (const auto& s : list) names += (names.empty() ? "" : ", ") + s.dataset;
    text.title = "gcnbench bench: " + names + ", preset " + config.preset + ", " + std::to_string(runs) + " runs x " +
                 std::to_string(config.epochs) + " epochs (" + std::to_string(warmup) + " warm-up)";
    text.command_line = environment.value("command_line", "");
    const int interrupted_by = interrupt_signal();
    if (interrupted_by != 0) {
      text.title += " (incomplete: interrupted)";
      text.notes.push_back(incomplete_note(interrupted_by, results));
    }
    const std::string chart_error = write_result_dir(out, results, text);
    if (interrupted_by != 0) {
      write_file_atomically(out + "/INCOMPLETE", text.notes.back() + "\n");
      std::cerr << "gcnbench bench: " << text.notes.back() << "; what was measured is in " << out << "\n";
      std::exit(128 + interrupted_by);  // the shell's convention for a run ended by a signal
    }
    if (!chart_error.empty()) std::cerr << "gcnbench bench: no chart: " << chart_error << "\n";

    std::cout << text.title << "\n\n"
              << render_text(make_table(results)) << "\nwrote " << out << "/{results.jsonl,results.csv,report.md"
              << (chart_error.empty() ? ",chart.png,chart.svg" : "") << "}, child stderr in " << out << "/stderr.log\n";
    // A row that could not run here (no GPU, no framework) is skipped and says why; a row that
    // ran and failed makes the whole benchmark fail, after everything was written.
    const auto failed = std::count_if(results.begin(), results.end(),
                                      [](const nlohmann::json& row) { return row.value("status", "") == "failed"; });
    if (failed > 0) {
      std::cerr << "gcnbench bench: " << failed << (failed == 1 ? " row" : " rows")
                << " failed (the table lists why; child stderr in " << out << "/stderr.log)\n";
      std::exit(kRowsFailedExitCode);
    }
  }
};

}  // namespace

void add_bench_command(CLI::App& app) {
  auto command = std::make_shared<BenchCommand>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Benchmark every backend and framework peer on the same problem (one process per run, interleaved)");
  command->app = sub;
  sub->allow_extras();
  sub->footer("Other model flags of `gcnbench train` (--hidden, --dropout, --lr ...) are passed on to every run.");
  sub->add_option("--backends", command->backends, "gcnbench backends: comma list, or all")->capture_default_str();
  sub->add_option("--peers", command->peers,
                  "Peers: comma list of torch-dense, torch-sparse, pyg, jax-dense, jax-sparse, mlx, mlx-l2norm (the "
                  "MLX-vs-CUDA benchmark's MLX regularizer; only by name) (torch, jax: both "
                  "variants), all or none")
      ->capture_default_str();
  sub->add_option("--peer-devices", command->peer_devices, "Devices to run each peer on (cpu, cuda, mps)")
      ->capture_default_str();
  command->source_flags.add_to(*sub);
  sub->add_option("--adj", command->adj,
                  "Adjacency modes for the gcnbench backends: dense, sparse or dense,sparse, with the preset's "
                  "features (default: the preset's adjacency and features, plus every other pair a selected peer "
                  "uses, so each peer has a gcnbench row of the same computation)");
  sub->add_option("--preset", command->preset, "Model preset: mlx-gcn or kipf")->capture_default_str();
  sub->add_option("--profile", command->profile,
                  "Also time each step of this many epochs after the first run of every gcnbench row (train "
                  "--profile): in results.jsonl as `profile` and in report.md; its floor gives every row of the same "
                  "computation and device its `of floor` column (0: off)")
      ->capture_default_str()
      ->check(integer_in(0, 100000));
  sub->add_option("--runs", command->runs, "Runs (processes, one seed each) per row")
      ->capture_default_str()
      ->check(integer_in(1, 100000));
  sub->add_option("--epochs", command->epochs, "Epochs per run (default: the preset's)")
      ->check(integer_in(1, kMaxEpochs));
  sub->add_option("--warmup", command->warmup, "Untimed warm-up epochs at the start of every process")
      ->capture_default_str()
      ->check(integer_in(0, kMaxEpochs));
  sub->add_option("--threads", command->threads, "CPU threads for the cpu backend and the peers (default: theirs)")
      ->check(integer_in(0, kMaxThreads));
  sub->add_flag("--per-run-timing", command->per_run_timing,
                "Time whole runs instead of synchronizing after every epoch (GPU throughput): --timing per-run");
  sub->add_option("--timing", command->timing_list,
                  "Comma list: per-epoch (default: each epoch synchronized), per-run (the loop, one read-back), "
                  "dispatch (adds rows for gcnbench cuda and the torch/MLX peers on a GPU timed as the MLX-vs-CUDA "
                  "benchmark did: host issue time, no synchronize)");
  sub->add_option("--reference", command->reference,
                  "Add a published benchmark's figures as rows marked \"published, not measured here\": mlx-gcn "
                  "(the MLX-vs-CUDA benchmark's Cora epoch times, M1 Pro to V100)");
  sub->add_option("--baseline", command->baseline,
                  "Row for the speedups, by label prefix, e.g. torch-dense/cpu (default: it, else the first row)");
  sub->add_option("--timeout", command->timeout_s, "Seconds before a run's process is killed")
      ->capture_default_str()
      ->check(finite_in(0, 1e6, true));
  sub->add_option("--peers-dir", command->peers_dir, "Directory of the peer scripts")
      ->capture_default_str()
      ->check(non_empty_path());
  sub->add_option("--out", command->out, "Results directory (default results/<date>-<host>)")->check(non_empty_path());
  sub->add_flag("--force", command->force, "Overwrite the files of an existing --out directory");
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
