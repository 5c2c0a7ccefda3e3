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
#include "bench/bench_plan.hpp"
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
#include "model/problem.hpp"
#include "model/problem_files.hpp"
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
  BenchPlanSettings plan;
  RunFlags run_flags;
  SourceFlags source_flags;
  std::string preset = "mlx-gcn", baseline, reference;
  int epochs = 0;
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
                      {"framework_version", s.value("framework_version", nlohmann::json())},
                      {"compile_ms", s.value("compile_ms", nlohmann::json())}});
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

  void run() {
    check_backend_names(plan);
    plan.threads = run_flags.threads;
    plan.peers_dir = run_flags.peers_dir;
    const int runs = run_flags.runs;
    const bool force = run_flags.force;
    std::string& out = run_flags.out;
    const std::vector<std::string> model_args = model_words();
    const ModelConfig config = model.resolve();
    const std::vector<PeerSpec> selected_peers = select_peers(plan.peers);  // unknown names fail now
    if (!reference.empty()) published_rows(reference, "");                  // so does an unknown --reference
    bench_timings(plan);                                                    // and an unknown --timing word
    const std::vector<Computation> modes = bench_computations(plan, config, selected_peers, model_args);

    nlohmann::json environment = capture_environment();
    if (out.empty()) out = "results/" + utc_date() + "-" + environment.value("host", "host");
    const OutputDirLock lock = prepare_output_dir(out, force);
    std::cerr << "gcnbench bench: results in " << out << "\n";

    plan.self = self_executable().string();
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
      const PlannedSource planned{source.words, source.dataset, source.problem_dir};
      for (auto& row : backend_rows(plan, planned, modes, model_args, config)) rows.push_back(std::move(row));
      for (auto& row : peer_rows(plan, planned, config.epochs)) rows.push_back(std::move(row));
    }

    catch_interrupts();
    RunnerOptions options;
    for (int r = 0; r < runs; ++r) options.seeds.push_back(static_cast<uint64_t>(r));
    options.timeout_s = run_flags.timeout_s;
    options.stderr_log = out + "/stderr.log";
    options.progress = isatty(STDERR_FILENO);
    const std::vector<RowOutcome> outcomes = run_rows(rows, options);
    environment["end"] = machine_state();  // clocks, temperatures and load after the runs
    environment["peers"] = peer_versions(outcomes);

    RowContext context{config.preset, config.epochs, plan.warmup, environment};
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
                 std::to_string(config.epochs) + " epochs (" + std::to_string(plan.warmup) + " warm-up)";
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
  sub->add_option("--backends", command->plan.backends, "gcnbench backends: comma list, or all")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--peers", command->plan.peers,
                  "Peers: comma list of torch-dense, torch-sparse, pyg, jax-dense, jax-sparse, mlx, mlx-l2norm (the "
                  "MLX-vs-CUDA benchmark's MLX regularizer; only by name) (torch, jax: both "
                  "variants), all or none; torch-dense-compile, torch-sparse-compile (torch.compile) only by name")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--peer-devices", command->plan.peer_devices, "Devices to run each peer on (cpu, cuda, mps)")
      ->delimiter(',')
      ->capture_default_str();
  command->source_flags.add_to(*sub);
  sub->add_option("--adj", command->plan.adj,
                  "Adjacency modes for the gcnbench backends: dense, sparse or dense,sparse, with the preset's "
                  "features (default: the preset's adjacency and features, plus every other pair a selected peer "
                  "uses, so each peer has a gcnbench row of the same computation)")
      ->delimiter(',');
  sub->add_option("--preset", command->preset, "Model preset: mlx-gcn or kipf")->capture_default_str();
  sub->add_option("--profile", command->plan.profile,
                  "Also time each step of this many epochs after the first run of every gcnbench row (train "
                  "--profile): in results.jsonl as `profile` and in report.md; its floor gives every row of the same "
                  "computation and device its `of floor` column (0: off)")
      ->capture_default_str()
      ->check(integer_in(0, 100000));
  sub->add_option("--epochs", command->epochs, "Epochs per run (default: the preset's)")
      ->check(integer_in(1, kMaxEpochs));
  sub->add_option("--warmup", command->plan.warmup, "Untimed warm-up epochs at the start of every process")
      ->capture_default_str()
      ->check(integer_in(0, kMaxEpochs));
  sub->add_flag("--per-run-timing", command->plan.per_run_timing,
                "Time whole runs instead of synchronizing after every epoch (GPU throughput): --timing per-run");
  sub->add_option("--timing", command->plan.timing_list,
                  "Comma list: per-epoch (default: each epoch synchronized), per-run (the loop, one read-back), "
                  "dispatch (adds rows for gcnbench cuda and the torch/MLX peers on a GPU timed as the MLX-vs-CUDA "
                  "benchmark did: host issue time, no synchronize)")
      ->delimiter(',');
  sub->add_option("--reference", command->reference,
                  "Add a published benchmark's figures as rows marked \"published, not measured here\": mlx-gcn "
                  "(the MLX-vs-CUDA benchmark's Cora epoch times, M1 Pro to V100)");
  sub->add_option("--baseline", command->baseline,
                  "Row for the speedups, by label prefix, e.g. torch-dense/cpu (default: it, else the first row)");
  command->run_flags.add_to(*sub, "results/<date>-<host>");
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
