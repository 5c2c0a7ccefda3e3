#include "bench/op_plan.hpp"

#include <algorithm>

#include "backends/backend.hpp"
#include "backends/op_runner.hpp"
#include "bench/peers.hpp"
#include "bench/python.hpp"
#include "core/error.hpp"
#include "core/word_list.hpp"
#include "core/memory.hpp"

namespace gcn {
namespace {

// What a child holds at once: the inputs twice over (drawn, then copied into the prepared op),
// the output, and for a peer its framework's own copies; the op's bytes stand for all of them.
constexpr double kChildMemoryFactor = 3;

std::string memory_reason(const OpCase& c) {
  const double need = c.cost.bytes * kChildMemoryFactor;
  const uint64_t available = available_memory_bytes();
  if (available == 0 || need <= static_cast<double>(available)) return "";
  return "its inputs and outputs need about " + format_bytes(static_cast<uint64_t>(need)) + ", " +
         format_bytes(available) + " is available";
}

std::vector<std::string> case_args(const OpCase& c, const std::vector<OpGraph>& graphs) {
  std::vector<std::string> args = {
      "--op", c.op, "--m", std::to_string(c.m), "--k", std::to_string(c.k), "--n", std::to_string(c.n)};
  // Only the ops that read the adjacency load it: every other case's child would read the whole
  // CSR (190 MB on the reddit-sized graph) for nothing, m being given.
  const bool reads_adjacency = c.op == "spmm" || c.op == "gather" || c.op == "scatter_sum";
  if (c.graph >= 0 && reads_adjacency)
    args.insert(args.end(), {"--graph", graphs[static_cast<size_t>(c.graph)].problem_dir});
  return args;
}

BenchRow make_row(const std::string& implementation, const std::string& device, const OpCase& c,
                  const std::vector<OpGraph>& graphs, std::vector<std::string> base) {
  BenchRow row;
  row.implementation = implementation;
  row.device = device;
  row.dataset = c.graph >= 0 ? graphs[static_cast<size_t>(c.graph)].name : "-";
  row.label = implementation + "/" + device + " " + c.op + " " + c.shape();
  const std::vector<std::string> args = case_args(c, graphs);
  base.insert(base.end(), args.begin(), args.end());
  row.command = [base](uint64_t seed) {
    auto argv = base;
    argv.insert(argv.end(), {"--seed", std::to_string(seed)});
    return argv;
  };
  row.skipped_reason = memory_reason(c);
  return row;
}


}  // namespace

const std::vector<OpPeer>& op_peer_catalog() {
  static const std::vector<OpPeer> peers = {
      {"torch", "ops_torch.py", "torch", {"cpu", "cuda", "mps"}},
      {"jax", "ops_jax.py", "jax", {"cpu", "cuda"}},
  };
  return peers;
}

std::vector<OpPeer> select_op_peers(const std::vector<std::string>& list) {
  if (list.empty() || is_none(list)) return {};
  if (is_all(list)) return op_peer_catalog();
  std::vector<OpPeer> chosen;
  for (const std::string& word : list) {
    const auto& all = op_peer_catalog();
    const auto found = std::find_if(all.begin(), all.end(), [&](const OpPeer& p) { return p.name == word; });
    if (found == all.end()) {
      std::string known;
      for (const auto& p : all) known += (known.empty() ? "" : ", ") + p.name;
      fail("--peers: unknown peer '" + word + "' (known: " + known + ", all, none)");
    }
    if (std::none_of(chosen.begin(), chosen.end(), [&](const OpPeer& p) { return p.name == word; }))
      chosen.push_back(*found);
  }
  return chosen;
}

OpRows plan_op_rows(const std::vector<OpCase>& cases, const std::vector<OpGraph>& graphs,
                    const OpPlanSettings& settings) {
  OpRows plan;
  const std::string samples = std::to_string(settings.samples), threads = std::to_string(settings.threads);
  for (size_t i = 0; i < cases.size(); ++i) {
    const OpCase& c = cases[i];
    const bool vocabulary = is_vocabulary_op(c.op);
    for (const auto& backend : settings.backends) {
      if (!vocabulary) continue;  // the sequel's ops: peers only (op_catalog.hpp says why)
      const std::string device = backend == "cuda" ? "cuda" : "cpu";
      BenchRow row = make_row("gcnbench-" + backend, device, c, graphs,
                              {settings.self, "op-run", "--backend", backend, "--samples", samples});
      if (settings.threads > 0 && backend != "cuda") {
        std::vector<std::string> with_threads = {"--threads", threads};
        const auto command = row.command;
        row.command = [command, with_threads](uint64_t seed) {
          auto argv = command(seed);
          argv.insert(argv.end(), with_threads.begin(), with_threads.end());
          return argv;
        };
      }
      if (const std::string reason = backend_skip_reason(backend); !reason.empty()) row.skipped_reason = reason;
      if (backend == "cpu-ref" && (c.op == "copy" || c.op == "fma"))
        row.skipped_reason = "cpu-ref has no floor probes: the floor is the optimized backends' to measure";
      plan.rows.push_back(std::move(row));
      plan.case_of_row.push_back(i);
    }
    for (const auto& peer : settings.peers) {
      if (c.op == "fma") continue;  // a framework has no form of the FMA probe
      const std::string script = settings.peers_dir + "/" + peer.script;
      std::optional<std::string> python;
      const std::string no_python = peer_unavailable_reason(peer.module, script, python);
      for (const auto& device : settings.peer_devices) {
        if (std::find(peer.devices.begin(), peer.devices.end(), device) == peer.devices.end()) continue;
        std::vector<std::string> base = {python.value_or(""), script, "--device", device, "--samples", samples};
        if (settings.threads > 0) base.insert(base.end(), {"--threads", threads});
        BenchRow row = make_row(peer.name, device, c, graphs, base);
        row.python = python.value_or("");
        if (const std::string absent = device_absent_reason(device); !absent.empty())
          row.skipped_reason = absent;
        else if (!no_python.empty())
          row.skipped_reason = no_python;
        plan.rows.push_back(std::move(row));
        plan.case_of_row.push_back(i);
      }
    }
  }
  return plan;
}

}  // namespace gcn
