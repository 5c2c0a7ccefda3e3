// `gcnbench train`: trains one backend on one dataset for a list of seeds and prints a line
// per epoch (or JSON lines) and a summary.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <iostream>
#include <memory>
#include <optional>

#include "backends/backend.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "cli/problem_loading.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/self_path.hpp"
#include "model/problem.hpp"
#include "model/problem_files.hpp"
#include "train/rank_launcher.hpp"
#include "train/trainer.hpp"
#include "bench/epoch_profile.hpp"
#include "bench/progress.hpp"
#include "report/profile_report.hpp"
#include "bench/train_events.hpp"

namespace gcn::cli {
namespace {

// "0.8150", or "n/a" for a metric that cannot be computed (an empty split).
std::string metric_text(double value) {
  if (!std::isfinite(value)) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  return buffer;
}

struct TrainCommand {
  DataOptions data;
  std::string problem_dir;  // --problem: an export, trained as it is
  ModelOptions model;
  std::string backend = "cpu-ref";
  std::string seeds = "0";
  std::string init_weights, save_initial_weights;
  int threads = 0;
  int ranks = 0;
  int gpus = 0;
  int warmup = 0;
  bool json = false;
  bool sync_every_epoch = false;
  std::string timing;
  bool quiet = false;
  bool dry_run = false;
  int profile = 0;

  Timing requested_timing() const {
    if (sync_every_epoch && !timing.empty() && timing != "per-epoch")
      fail("--sync-every-epoch is --timing per-epoch; it contradicts --timing " + timing);
    if (sync_every_epoch || timing == "per-epoch") return Timing::PerEpoch;
    if (timing == "per-run") return Timing::PerRun;
    if (timing == "dispatch") return Timing::Dispatch;
    return Timing::Auto;
  }

  // --problem DIR: the export read back (the peers' files), with the model flags given on top.
  std::optional<Problem> import_requested_problem() const {
    if (problem_dir.empty()) return std::nullopt;
    if (!data.dataset.empty() || !data.data_path.empty() || !data.synthetic.empty())
      fail("--problem trains an exported problem; it takes no --dataset, --data or --synthetic");
    if (dry_run) fail("--dry-run estimates a graph before it is loaded; --problem reads one that is already built");
    Problem problem = import_problem(problem_dir);
    problem.config = model.resolve_over(problem.config);
    return problem;
  }

  // --gpus N: this process starts the N ranks and waits for them, or it is one of them. Returns
  // the rank this process is, or nullopt when it launched the ranks (and they all succeeded).
  std::optional<RankEnvironment> join_or_launch_gpu_ranks() const {
    if (gpus == 0) return RankEnvironment{};
    if (backend != "cuda")
      fail("--gpus runs one process per GPU with --backend cuda; backend '" + backend +
           "' runs on the host (--ranks P simulates P ranks there)");
    if (ranks > 0) fail("--ranks (simulated ranks on the host) and --gpus (one process per GPU) exclude each other");
    if (dry_run) fail("--dry-run estimates a run on one device; drop --gpus to see it");
    std::optional<RankEnvironment> env = rank_environment();
    if (env) {
      if (env->world_size != gpus)
        fail(std::string(kWorldSizeVariable) + "=" + std::to_string(env->world_size) + " but --gpus " +
             std::to_string(gpus) + ": this rank was started for another group");
      return env;
    }
    (void)model.resolve();  // a wrong model flag is reported once, not by every rank
    if (const int code = launch_ranks(self_executable().string(), own_arguments(), gpus); code != 0) std::exit(code);
    return std::nullopt;
  }

  void run() const {
    const std::optional<RankEnvironment> rank = join_or_launch_gpu_ranks();
    if (!rank) return;
    if (gpus == 0) return train_here(0);
    try {
      train_here(rank->rank, rank->rendezvous);
    } catch (const Error& e) {
      throw Error("rank " + std::to_string(rank->rank) + " of " + std::to_string(gpus) + ": " + e.what());
    }
  }

  // The training itself: on this process's device, as rank `gpu_rank` of a --gpus group (whose
  // ranks above 0 print to /dev/null and write no files).
  void train_here(int gpu_rank, const std::string& rendezvous = "") const {
    std::optional<Problem> imported = import_requested_problem();
    const ModelConfig config = imported ? imported->config : model.resolve();
    if (threads < 0) fail("--threads must not be negative (0: all cores)");
    if (warmup < 0) fail("--warmup must not be negative");
    TrainOptions options;
    options.seeds = parse_seeds(seeds);
    options.warmup_epochs = warmup;
    options.timing = requested_timing();
    if (!init_weights.empty()) options.initial_parameters = load_parameters(init_weights);

    // The backend first: a misspelt --backend should not wait for a large graph to load.
    BackendOptions backend_options;
    backend_options.threads = threads;
    backend_options.ranks = ranks;
    backend_options.gpus = gpus;
    backend_options.gpu_rank = gpu_rank;
    backend_options.rendezvous = rendezvous;
    backend_options.sync_every_epoch = options.timing == Timing::PerEpoch;
    std::unique_ptr<Backend> engine = make_backend(backend, backend_options);

    MemoryCheck check;
    check.backend = backend;
    check.options = backend_options;
    check.device_free_bytes = engine->info().device_free_bytes;
    check.initial_parameters_held = options.initial_parameters.has_value();
    check.dry_run = dry_run;
    check.json = json;
    std::optional<Problem> loaded = imported ? std::move(imported) : load_problem(data, config, check);
    if (!loaded) return;
    const Problem& problem = *loaded;
    if (!save_initial_weights.empty() && gpu_rank == 0)
      save_parameters(options.initial_parameters ? *options.initial_parameters
                                                 : glorot_parameters(problem.widths(), config.bias, options.seeds.front()),
                      save_initial_weights);
    if (options.initial_parameters) check_shapes(*options.initial_parameters, problem);
    engine->load(problem);

    // On a terminal whose stdout is not already printing every epoch: epochs done and the ETA.
    const bool progress = gpu_rank == 0 && isatty(STDERR_FILENO) && (quiet || !isatty(STDOUT_FILENO));
    const size_t total_epochs = options.seeds.size() * static_cast<size_t>(config.epochs);
    size_t epochs_done = 0;
    const auto started = std::chrono::steady_clock::now();
    auto shown = started - std::chrono::seconds(1);
    const auto on_epoch = [&](uint64_t seed, int epoch, const EpochMetrics& m, std::optional<double> ms) {
      ++epochs_done;
      if (const auto now = std::chrono::steady_clock::now(); progress && now - shown >= std::chrono::milliseconds(500)) {
        shown = now;
        const double elapsed_s = std::chrono::duration<double>(now - started).count();
        const std::string eta = eta_text(epochs_done, total_epochs, elapsed_s);
        show_progress(true, "seed " + std::to_string(seed) + "  epoch " + std::to_string(epoch + 1) + "/" +
                                std::to_string(config.epochs) + "  (" + std::to_string(epochs_done) + "/" +
                                std::to_string(total_epochs) + " epochs)" + (eta.empty() ? "" : "  " + eta));
      }
      if (json) {
        std::cout << epoch_event(seed, epoch, m, ms).dump() << '\n';
      } else if (!quiet) {
        std::printf("seed %llu  epoch %4d  train_loss %.4f  val_loss %s  val_acc %s  epoch_ms %s\n",
                    static_cast<unsigned long long>(seed), epoch, m.train_loss, metric_text(m.val_loss).c_str(),
                    metric_text(m.val_acc).c_str(), ms ? std::to_string(*ms).c_str() : "-");
      }
    };
    const auto on_run = [&](const RunResult& r) {
      show_progress(progress, "");
      if (json) {
        std::cout << run_event(r, peak_rss_bytes(), engine->info().peak_device_bytes).dump() << '\n';
      } else {
        std::printf("seed %llu  test_loss %s  test_acc %s  epoch_ms_mean %.4f  (%d epochs, %.1f ms)\n",
                    static_cast<unsigned long long>(r.seed), metric_text(r.test.loss).c_str(),
                    metric_text(r.test.accuracy).c_str(), r.epoch_ms_mean,
                    static_cast<int>(r.epochs.size()), r.total_ms);
      }
      std::fflush(stdout);
    };
    const std::vector<RunResult> runs = train(*engine, problem, options, on_epoch, on_run);
    const nlohmann::json summary = summary_event({engine->info(), problem.dataset_name, config}, runs);
    if (profile > 0) {
      // After the runs, so the timed epochs are not disturbed; the last run's parameters go on
      // training through the profiled epochs.
      const DeviceFloors floors = measure_floors(backend, backend_options);
      const EpochProfile p = profile_epochs(*engine, profile, config.epochs, floors);
      const BackendInfo info = engine->info();
      if (json) {
        for (const auto& event : profile_events(p, backend, info.device)) std::cout << event.dump() << '\n';
      } else {
        std::fputs(profile_table(p, backend, info.device).c_str(), stdout);
      }
    }
    if (json) {
      std::cout << summary.dump() << std::endl;
    } else {
      const auto number = [&](const char* key) {
        return summary[key].is_number() ? summary[key].get<double>() : std::numeric_limits<double>::quiet_NaN();
      };
      const std::string trained_by = ranks > 0  ? backend + " as " + std::to_string(ranks) + " simulated ranks"
                                     : gpus > 0 ? backend + " on " + std::to_string(gpus) + " GPU(s), one process each"
                                                : backend;
      std::printf("%s on %s (%s adjacency, %s features, preset %s): test_acc %s +- %s over %zu seed(s), "
                  "test_loss %s, epoch %.4f ms (median %.4f)\n",
                  trained_by.c_str(), problem.dataset_name.c_str(), to_string(config.adjacency), to_string(config.features),
                  config.preset.c_str(), metric_text(number("test_acc_mean")).c_str(),
                  metric_text(number("test_acc_std")).c_str(), runs.size(), metric_text(number("test_loss_mean")).c_str(),
                  number("epoch_ms_mean"), number("epoch_ms_median"));
    }
  }

  static void check_shapes(const Parameters<float>& params, const Problem& problem) {
    const auto widths = problem.widths();
    bool ok = params.num_layers() + 1 == static_cast<int>(widths.size());
    for (int l = 0; ok && l < params.num_layers(); ++l)
      ok = params.weights[l].rows == widths[l] && params.weights[l].cols == widths[l + 1] &&
           params.biases[l].size() == (problem.config.bias ? static_cast<size_t>(widths[l + 1]) : 0);
    if (!ok) fail("--init-weights: the parameter shapes do not match this dataset and model");
  }
};

}  // namespace

void add_train_command(CLI::App& app) {
  auto command = std::make_shared<TrainCommand>();
  CLI::App* sub = app.add_subcommand("train", "Train a GCN on one backend and report accuracy and epoch time");
  add_data_options(*sub, command->data);
  sub->add_option("--problem", command->problem_dir,
                  "Train a `gcnbench export` directory as it is (the files the peers train on), instead of a "
                  "dataset; model flags change its configuration, not its preprocessing")
      ->check(non_empty_path());
  command->model.add_to(*sub, "kipf");
  sub->add_option("--backend", command->backend, "Backend: cpu-ref, cpu, cuda (see `gcnbench backends`)")
      ->capture_default_str();
  sub->add_option("--seeds", command->seeds, "Seeds, one run each: 3, 0-9 or 0,4,7")->capture_default_str();
  sub->add_option("--threads", command->threads, "Threads for the cpu backend (0: all cores)")
      ->check(integer_in(0, kMaxThreads));
  sub->add_option("--ranks", command->ranks,
                  "Train as this many simulated ranks in one process (threads; the multi-GPU training step with "
                  "its halo exchange and gradient all-reduce, docs/multi-gpu.md): cpu-ref and cpu, --adj sparse")
      ->check(integer_in(1, kMaxRanks));
  sub->add_option("--gpus", command->gpus,
                  "Train on this many GPUs, one process each, which gcnbench starts itself (rank r on device r; "
                  "halo exchange and gradient all-reduce over NCCL, docs/multi-gpu.md): cuda, --adj sparse")
      ->check(integer_in(1, kMaxGpus));
  sub->add_option("--warmup", command->warmup, "Untimed warm-up epochs before the first run")
      ->capture_default_str()
      ->check(integer_in(0, kMaxEpochs));
  sub->add_flag("--sync-every-epoch", command->sync_every_epoch,
                "Read metrics back after every epoch (GPU backends; CPU backends always do): --timing per-epoch");
  sub->add_option("--timing", command->timing,
                  "per-epoch (each epoch, synchronized; CPU backends' default), per-run (the loop, one read-back at "
                  "its end; GPU default), dispatch (each epoch's host issue time, no synchronize inside the timing, "
                  "as the MLX-vs-CUDA benchmark measured)")
      ->check(CLI::IsMember({"per-epoch", "per-run", "dispatch"}));
  sub->add_flag("--json", command->json, "JSON lines: one per epoch, one per run, then a summary");
  sub->add_flag("--quiet", command->quiet, "Only the per-run and summary lines");
  sub->add_flag("--dry-run", command->dry_run,
                "Print the run's estimated peak host and device memory, phase by phase, and exit (2 if it would "
                "not fit); with --json as one JSON line");
  sub->add_option("--profile", command->profile,
                  "After the runs, time each step of this many more epochs (forward, loss, backward, Adam, "
                  "validation) and print them beside the device's floor (0: off)")
      ->capture_default_str()
      ->check(integer_in(0, kMaxEpochs));
  sub->add_option("--init-weights", command->init_weights, "Start every run from these parameters (JSON)")
      ->check(non_empty_path());
  sub->add_option("--save-initial-weights", command->save_initial_weights,
                  "Write the first run's initial parameters to this JSON file")
      ->check(non_empty_path());
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
