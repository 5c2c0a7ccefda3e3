#include "backends/multigpu/simulated_run.hpp"

#include "backends/multigpu/gcn.hpp"
#include "backends/multigpu/halo_plan.hpp"
#include "backends/multigpu/in_process_communicator.hpp"
#include "backends/multigpu/partition.hpp"

namespace gcn::multigpu {
namespace {

bool same_parameters(const Parameters<float>& a, const Parameters<float>& b) {
  if (a.weights.size() != b.weights.size() || a.biases.size() != b.biases.size()) return false;
  for (size_t l = 0; l < a.weights.size(); ++l)
    if (a.weights[l].data != b.weights[l].data) return false;
  for (size_t l = 0; l < a.biases.size(); ++l)
    if (a.biases[l] != b.biases[l]) return false;
  return true;
}

}  // namespace

SimulatedRun train_simulated(const Problem& problem, const Parameters<float>& initial,
                             const SimulatedRunOptions& options) {
  const RowPartition partition = partition_rows_by_cost(problem.adjacency, options.ranks);
  std::vector<std::vector<EpochMetrics>> epochs(static_cast<size_t>(options.ranks));
  std::vector<LossAndAccuracy> tests(static_cast<size_t>(options.ranks));
  std::vector<Parameters<float>> finals(static_cast<size_t>(options.ranks));
  std::vector<CommStats> stats(static_cast<size_t>(options.ranks));
  run_ranks(options.ranks, [&](Communicator& comm) {
    const auto r = static_cast<size_t>(comm.rank());
    DistributedGcn model(problem, build_rank_plan(problem.adjacency, partition, comm.rank()), comm, options.mode);
    model.reset(initial, options.seed);
    for (int e = 0; e < options.epochs; ++e) epochs[r].push_back(model.train_epoch(e));
    tests[r] = model.evaluate(Split::Test);
    finals[r] = model.parameters();
    stats[r] = comm.stats();
  });
  SimulatedRun run;
  run.epochs = epochs[0];
  run.test = tests[0];
  run.stats = stats;
  for (int r = 1; r < options.ranks; ++r) {
    const auto i = static_cast<size_t>(r);
    bool agree = epochs[i].size() == epochs[0].size() && tests[i].loss == tests[0].loss &&
                 tests[i].accuracy == tests[0].accuracy && same_parameters(finals[i], finals[0]);
    for (size_t e = 0; agree && e < epochs[0].size(); ++e) agree = epochs[i][e] == epochs[0][e];
    run.ranks_agree = run.ranks_agree && agree;
  }
  return run;
}

}  // namespace gcn::multigpu
