// `gcnbench verify --peer torch`: the backends and a framework peer train from the same initial
// weights with dropout off; their loss curves must agree within a relative 1e-4 (fp32 sums in
// different orders over 20 Adam steps stay around 1e-6; a wrong gradient or optimizer step is
// far above it). Prints PASS/FAIL per backend; exit status 1 when any fails.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "backends/backend.hpp"
#include "core/word_list.hpp"
#include "bench/curve_compare.hpp"
#include "bench/peers.hpp"
#include "bench/process.hpp"
#include "bench/python.hpp"
#include "bench/runner.hpp"
#include "bench/train_events.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "cli/problem_loading.hpp"
#include "core/error.hpp"
#include "core/self_path.hpp"
#include "model/problem_files.hpp"
#include "model/parameters.hpp"
#include "model/problem.hpp"

namespace gcn::cli {
namespace {

constexpr double kTolerance = 1e-4;

struct Curves {
  std::vector<double> train_loss, val_loss;
};

// Runs one training child and collects its per-epoch losses; throws with the child's stderr tail.
Curves train_curves(const std::vector<std::string>& argv, const std::string& who, double timeout_s) {
  ProcessOptions options;
  options.timeout_s = timeout_s;
  const ProcessResult result = run_process(argv, options);
  RunOutcome run;
  std::string skipped;
  const std::string missing = parse_child_output(result.stdout_lines, run, skipped);
  if (!skipped.empty()) fail(who + " cannot run here: " + skipped);
  if (!result.succeeded() || !missing.empty())
    fail(who + ": " + (result.succeeded() ? missing : result.describe_failure(timeout_s)) + "\n  command: " +
         shell_quote(argv) + "\n" + result.stderr_tail);
  Curves curves;
  for (const auto& line : result.stdout_lines) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object() || event.value("event", "") != "epoch") continue;
    curves.train_loss.push_back(event["train_loss"].is_number() ? event["train_loss"].get<double>() : NAN);
    curves.val_loss.push_back(event["val_loss"].is_number() ? event["val_loss"].get<double>() : NAN);
  }
  return curves;
}

// The temporary export and weights: removed on every way out of verify (a failing peer, bad
// data), kept only when asked.
struct WorkDirectory {
  std::string path;
  bool keep = false;
  WorkDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gcnbench-verify-XXXXXX").string();  // $TMPDIR
    if (!mkdtemp(pattern.data())) fail("cannot create a temporary directory like " + pattern);
    path = pattern;
  }
  WorkDirectory(const WorkDirectory&) = delete;
  WorkDirectory& operator=(const WorkDirectory&) = delete;
  ~WorkDirectory() {
    if (keep) return;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct VerifyCommand {
  DataOptions data;
  ModelOptions model;
  std::string peer = "torch", device = "cpu", peers_dir = default_peers_dir();
  std::vector<std::string> backends = {"all"};
  double timeout_s = 600;
  bool keep = false;

  // True when every backend passed.
  bool run() const {
    ModelConfig config = model.resolve();
    std::vector<std::string> model_args;
    const std::vector<std::string> explicit_args = model.explicit_arguments();
    for (size_t i = 0; i < explicit_args.size(); ++i) {
      if (explicit_args[i] == "--dropout") {
        ++i;  // dropout is always off here: the peers cannot reproduce gcnbench's Philox masks
        continue;
      }
      model_args.push_back(explicit_args[i]);
    }
    config.dropout = 0;
    bool preset_set = false, epochs_set = false;
    for (const auto& w : model_args) preset_set |= w == "--preset";
    // train's default preset differs from verify's: always say which one.
    if (!preset_set) model_args.insert(model_args.begin(), {"--preset", config.preset});
    for (const auto& w : model_args) epochs_set |= w == "--epochs";
    if (!epochs_set) {
      config.epochs = 20;
      model_args.insert(model_args.end(), {"--epochs", "20"});
    }
    model_args.insert(model_args.end(), {"--dropout", "0"});

    // The peer: a catalog name, or "torch"/"jax" meaning the variant with this adjacency.
    const std::string adj = to_string(config.adjacency);
    std::vector<PeerSpec> candidates = select_peers({peer});
    const PeerSpec* spec = nullptr;
    for (const auto& c : candidates)
      if (!spec || c.adj == adj) spec = &c;
    if (!spec) fail("--peer: none given");
    if (const std::string absent = device_absent_reason(device); !absent.empty()) fail("--device " + device + ": " + absent);
    std::vector<std::string> tried;
    const auto python = find_python_with(spec->module, &tried);
    if (!python) {
      std::string why;
      for (const auto& t : tried) why += "\n  " + t;
      fail("no Python can import " + spec->module + " for peer " + spec->name + " (set GCNBENCH_PYTHON):" + why);
    }

    WorkDirectory work_dir;
    const std::string& work = work_dir.path;
    const Problem problem = *load_problem(data, config, MemoryCheck{});
    export_problem(problem, work + "/problem");
    const std::string weights = work + "/initial-weights.json";
    save_parameters(glorot_parameters(problem.widths(), config.bias, 0), weights);

    std::cout << "verify: " << spec->name << " (" << device << ", " << *python << ") against gcnbench backends on "
              << problem.dataset_name << ", preset " << config.preset << ", " << adj << " adjacency, " << config.epochs
              << " epochs, dropout 0, same initial weights; tolerance " << kTolerance << " relative\n";
    std::vector<std::string> peer_argv = {*python, peers_dir + "/" + spec->script};
    peer_argv.insert(peer_argv.end(), spec->args.begin(), spec->args.end());
    peer_argv.insert(peer_argv.end(), {"--problem", work + "/problem", "--device", device, "--seeds", "0", "--epochs",
                                       std::to_string(config.epochs), "--dropout", "0", "--init-weights", weights,
                                       "--sync-every-epoch"});
    const Curves reference = train_curves(peer_argv, spec->name, timeout_s);

    const std::vector<std::string> names = is_all(backends) ? available_backends() : backends;
    std::vector<std::string> data_words;
    if (!data.dataset.empty()) data_words = {"--dataset", data.dataset};
    if (!data.data_path.empty()) data_words = {"--data", data.data_path};
    if (!data.synthetic.empty()) data_words = {"--synthetic", data.synthetic};
    if (data.allow_edgeless) data_words.push_back("--allow-edgeless");
    if (data.reorder != "none") data_words.insert(data_words.end(), {"--reorder", data.reorder});
    const std::string self = self_executable().string();

    bool all_passed = true;
    for (const auto& name : names) {
      std::vector<std::string> argv = {self, "train", "--json", "--backend", name, "--seeds", "0", "--init-weights",
                                       weights, "--sync-every-epoch"};
      argv.insert(argv.end(), data_words.begin(), data_words.end());
      argv.insert(argv.end(), model_args.begin(), model_args.end());
      const Curves curves = train_curves(argv, "gcnbench-" + name, timeout_s);
      const CurveComparison train = compare_loss_curves(reference.train_loss, curves.train_loss, kTolerance);
      const CurveComparison val = compare_loss_curves(reference.val_loss, curves.val_loss, kTolerance);
      const bool passed = train.passed && val.passed;
      all_passed &= passed;
      std::cout << (passed ? "PASS  " : "FAIL  ") << name << " vs " << spec->name << " (" << device
                << "): train loss " << train.detail << "; val loss " << val.detail << "\n";
    }
    if (keep) {
      work_dir.keep = true;
      std::cout << "inputs kept in " << work << "\n";
    }
    std::cout << (all_passed ? "verify: PASS" : "verify: FAIL") << std::endl;
    return all_passed;
  }
};

}  // namespace

void add_verify_command(CLI::App& app) {
  auto command = std::make_shared<VerifyCommand>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Check the backends against a framework peer: same initial weights, dropout off, loss curves equal "
                "within 1e-4 relative");
  add_data_options(*sub, command->data);
  command->model.add_to(*sub, "mlx-gcn");
  sub->add_option("--peer", command->peer, "Peer: torch (the variant matching --adj), torch-dense, pyg, jax...")
      ->capture_default_str();
  sub->add_option("--device", command->device, "Peer device: cpu, cuda, mps")->capture_default_str();
  sub->add_option("--backends", command->backends, "gcnbench backends: comma list, or all available")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--timeout", command->timeout_s, "Seconds before a training process is killed")
      ->capture_default_str()
      ->check(finite_in(0, 1e6, true));
  sub->add_option("--peers-dir", command->peers_dir, "Directory of the peer scripts")
      ->capture_default_str()
      ->check(non_empty_path());
  sub->add_flag("--keep", command->keep, "Keep the exported problem and initial weights (path printed)");
  // Exit status 1 for a FAIL, distinct from 2 (bad input, a run that could not start); after run()
  // returned, so the temporary directory is gone.
  sub->callback([command] {
    if (!command->run()) std::exit(1);
  });
}

}  // namespace gcn::cli
