// `gcnbench ops`: each op of the backends' vocabulary, and the GNN ops of the MLX-vs-CUDA
// benchmark's sequel in the peers, timed alone at the shapes a GCN meets, on every backend and
// peer, one process per (implementation, op, shape, seed), beside the floor measured on the
// same device in the same invocation (docs/ops.md).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "backends/backend.hpp"
#include "bench/environment.hpp"
#include "bench/interrupt.hpp"
#include "bench/op_catalog.hpp"
#include "bench/op_plan.hpp"
#include "bench/op_results.hpp"
#include "bench/peers.hpp"
#include "bench/runner.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "cli/problem_loading.hpp"
#include "core/error.hpp"
#include "core/word_list.hpp"
#include "core/self_path.hpp"
#include "model/config.hpp"
#include "model/problem_files.hpp"
#include "report/op_report.hpp"
#include "report/result_dir.hpp"

namespace gcn::cli {
namespace {

struct OpsCommand {
  std::vector<std::string> backends = {"all"}, peers = {"all"}, peer_devices = {"cpu", "cuda", "mps"}, ops;
  std::vector<int64_t> widths;
  RunFlags run_flags;
  SourceFlags source_flags;
  int samples = 15;
  ProbeSizes probes;

  std::vector<int64_t> spmm_widths() const {
    return widths.empty() ? default_spmm_widths() : widths;
  }

  // The chosen ops, with the floor probes always among them: every row's floor fraction needs them.
  std::vector<std::string> chosen_ops() const {
    std::vector<std::string> list = ops;
    if (list.empty()) return {};
    for (const char* probe : {"copy", "fma"})
      if (std::find(list.begin(), list.end(), probe) == list.end()) list.push_back(probe);
    return list;
  }

  std::vector<OpGraph> export_graphs() const {
    const ModelConfig config = preset_config("kipf");
    std::vector<OpGraph> graphs;
    const auto sources = source_flags.sources();
    for (size_t i = 0; i < sources.size(); ++i) {
      const Problem problem = *load_problem(sources[i].options, config, MemoryCheck{});
      OpGraph g;
      g.name = problem.dataset_name;
      g.problem_dir = run_flags.out + "/problems/" + std::to_string(i) + "-" + problem.dataset_name;
      g.nodes = problem.num_nodes;
      g.stored_entries = problem.adjacency.nnz();
      g.features = problem.num_features;
      g.classes = problem.num_classes;
      std::filesystem::create_directories(run_flags.out + "/problems");
      export_problem(problem, g.problem_dir);
      graphs.push_back(std::move(g));
    }
    return graphs;
  }

  void run() {
    OpPlanSettings settings;
    settings.backends = is_all(backends) ? known_backends() : backends;
    for (const auto& name : settings.backends) try {
        backend_skip_reason(name);
      } catch (const Error& e) {
        fail("--backends: " + std::string(e.what()) + " or all");
      }
    settings.peers = select_op_peers(peers);
    settings.peer_devices = peer_devices;
    for (const auto& d : settings.peer_devices)
      if (d != "cpu" && d != "cuda" && d != "mps") fail("--peer-devices: '" + d + "' is none of cpu, cuda, mps");
    settings.self = self_executable().string();
    settings.peers_dir = run_flags.peers_dir;
    settings.samples = samples;
    settings.threads = run_flags.threads;
    const std::vector<std::string> op_list = chosen_ops();
    const std::vector<int64_t> width_list = spmm_widths();
    op_cases({}, op_list, width_list, probes);  // an unknown op or width fails before anything is written

    nlohmann::json environment = capture_environment();
    if (run_flags.out.empty()) run_flags.out = "results/ops-" + utc_date() + "-" + environment.value("host", "host");
    const OutputDirLock lock = prepare_output_dir(run_flags.out, run_flags.force);
    std::cerr << "gcnbench ops: results in " << run_flags.out << "\n";
    const std::vector<OpGraph> graphs = export_graphs();
    const std::vector<OpCase> cases = op_cases(graphs, op_list, width_list, probes);
    const OpRows plan = plan_op_rows(cases, graphs, settings);

    catch_interrupts();
    RunnerOptions options;
    for (int r = 0; r < run_flags.runs; ++r) options.seeds.push_back(static_cast<uint64_t>(r));
    options.timeout_s = run_flags.timeout_s;
    options.stderr_log = run_flags.out + "/stderr.log";
    options.progress = isatty(STDERR_FILENO);
    const std::vector<RowOutcome> outcomes = run_rows(plan.rows, options);
    environment["end"] = machine_state();  // clocks, temperatures and load after the runs

    std::vector<nlohmann::json> results;
    for (size_t i = 0; i < outcomes.size(); ++i) {
      const OpCase& c = cases[plan.case_of_row[i]];
      results.push_back(make_op_result_row(outcomes[i], c, c.graph >= 0 ? graphs[c.graph].name : "-", environment));
    }
    const nlohmann::json floors = measured_floors(results);
    apply_floors(results, floors);
    sort_within_cases(results, plan.case_of_row);

    ReportText text;
    std::string names;
    for (const auto& g : graphs) names += (names.empty() ? "" : ", ") + g.name;
    text.title = "gcnbench ops: " + names + ", " + std::to_string(run_flags.runs) + " runs x " +
                 std::to_string(samples) + " samples";
    text.command_line = environment.value("command_line", "");
    if (floors.empty()) text.notes.push_back("no floor probe was measured: no row has a floor fraction");
    const int interrupted_by = interrupt_signal();
    if (interrupted_by != 0) {
      text.title += " (incomplete: interrupted)";
      text.notes.push_back("incomplete: interrupted by a signal; rows show the runs each completed");
    }
    const std::string chart_error = write_op_result_dir(run_flags.out, results, floors, text);
    if (interrupted_by != 0) std::exit(128 + interrupted_by);
    if (!chart_error.empty()) std::cerr << "gcnbench ops: no chart: " << chart_error << "\n";
    std::cout << text.title << "\n\n"
              << render_text(make_floor_table(floors)) << "\n"
              << render_text(make_op_table(results)) << "\nwrote " << run_flags.out
              << "/{results.jsonl,results.csv,report.md" << (chart_error.empty() ? ",chart.png,chart.svg" : "")
              << "}, child stderr in " << run_flags.out << "/stderr.log\n";
  }

  // Within each case, measured rows fastest first; the cases keep the catalog's order.
  static void sort_within_cases(std::vector<nlohmann::json>& rows, const std::vector<size_t>& case_of_row) {
    std::vector<size_t> index(rows.size());
    for (size_t i = 0; i < index.size(); ++i) index[i] = i;
    const auto median = [&](size_t i) {
      return rows[i]["time_ms"].is_object() ? rows[i]["time_ms"]["median"].get<double>() : 1e300;
    };
    std::stable_sort(index.begin(), index.end(), [&](size_t a, size_t b) {
      if (case_of_row[a] != case_of_row[b]) return case_of_row[a] < case_of_row[b];
      return median(a) < median(b);
    });
    std::vector<nlohmann::json> sorted;
    for (size_t i : index) sorted.push_back(std::move(rows[i]));
    rows = std::move(sorted);
  }
};

}  // namespace

void add_ops_command(CLI::App& app) {
  auto command = std::make_shared<OpsCommand>();
  CLI::App* sub = app.add_subcommand(
      "ops", "Time each op of a GCN alone on every backend and peer, beside the floor measured on the same device");
  sub->add_option("--backends", command->backends, "gcnbench backends: comma list, or all")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--peers", command->peers, "Peers: comma list of torch, jax; all or none")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--peer-devices", command->peer_devices, "Devices to run each peer on (cpu, cuda, mps)")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--ops", command->ops,
                  "Ops to time, a comma list (default all; the copy and fma floor probes always run): spmm, gemm, "
                  "gemm_at_b, gemm_a_bt, bias_relu_dropout, relu_dropout_backward, bias_backward, "
                  "softmax_cross_entropy, adam_update, copy, fma, and in the peers gather, scatter_sum, softmax, "
                  "linear")
      ->delimiter(',');
  sub->add_option("--widths", command->widths, "SpMM widths, a comma list (default 7,16,41,64,128,602)")
      ->delimiter(',')
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  sub->add_option("--copy-floats", command->probes.copy_floats,
                  "Floats the copy probe copies (default 2^27: 512 MiB each way, beyond any cache)")
      ->check(integer_in(1024, int64_t{1} << 34));
  sub->add_option("--fmas", command->probes.fmas, "Fused multiply-adds of the FMA probe (default 2^32)")
      ->check(integer_in(int64_t{1} << 20, int64_t{1} << 44));
  command->source_flags.add_to(*sub);
  sub->add_option("--samples", command->samples, "Timed samples per run (after 3 warm-up samples)")
      ->capture_default_str()
      ->check(integer_in(1, 100000));
  command->run_flags.add_to(*sub, "results/ops-<date>-<host>");
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
