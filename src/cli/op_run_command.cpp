// `gcnbench op-run`: one run of one op case in its own process, the child that `gcnbench ops`
// starts once per (backend, op, shape, seed). Prints the "run" and "summary" JSON lines of
// docs/ops.md; hidden from the help, as its flags are the parent's to choose.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "backends/backend.hpp"
#include "backends/op_runner.hpp"
#include "bench/op_inputs.hpp"
#include "bench/op_timing.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "model/problem_files.hpp"

namespace gcn::cli {
namespace {

struct OpRunCommand {
  std::string backend, op, graph_dir;
  int64_t m = 0, k = 0, n = 0;
  uint64_t seed = 0;
  int samples = 15, threads = 0, device = 0;

  void run() const {
    std::unique_ptr<Csr<float>> adjacency;
    if (!graph_dir.empty()) adjacency = std::make_unique<Csr<float>>(import_adjacency(graph_dir));
    const int64_t rows = adjacency ? adjacency->rows : m;
    const OpInputs inputs = make_op_inputs(op, rows, k, n, adjacency.get(), seed);
    BackendOptions options;
    options.threads = threads;
    options.device = device;
    const std::unique_ptr<PreparedOp> prepared = prepare_op(backend, inputs, options);
    const OpTiming timing = time_op(*prepared, samples);
    const nlohmann::json run = {{"event", "run"},
                                {"seed", seed},
                                {"first_ms", timing.first_ms},
                                {"executions_per_sample", timing.executions_per_sample},
                                {"samples_ms", timing.samples_ms},
                                {"flops_done", prepared->flops_done()}};
    const nlohmann::json summary = {{"event", "summary"},
                                    {"implementation", "gcnbench-" + backend},
                                    {"op", op},
                                    {"device_name", prepared->device_name()}};
    std::cout << run.dump() << "\n" << summary.dump() << std::endl;
  }
};

}  // namespace

void add_op_run_command(CLI::App& app) {
  auto command = std::make_shared<OpRunCommand>();
  CLI::App* sub = app.add_subcommand("op-run", "");  // an empty description hides it from --help
  sub->add_option("--backend", command->backend)->required();
  sub->add_option("--op", command->op)->required();
  sub->add_option("--graph", command->graph_dir, "An export whose adjacency spmm runs on")->check(non_empty_path());
  sub->add_option("--m", command->m)->check(integer_in(0, int64_t{1} << 40));
  sub->add_option("--k", command->k)->check(integer_in(0, int64_t{1} << 40));
  sub->add_option("--n", command->n)->check(integer_in(0, int64_t{1} << 40));
  sub->add_option("--seed", command->seed);
  sub->add_option("--samples", command->samples)->check(integer_in(1, 100000));
  sub->add_option("--threads", command->threads)->check(integer_in(0, kMaxThreads));
  sub->add_option("--device", command->device)->check(integer_in(0, 1024));
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
