// The rows of `gcnbench ops`: one per (implementation, device, op case), each a command that
// runs one seed of it in its own process: `gcnbench op-run` for a backend, a peers/ops_*.py
// script for a framework. Rows that cannot run here are planned as skipped, with the reason.
#pragma once

#include <string>
#include <vector>

#include "bench/op_catalog.hpp"
#include "bench/runner.hpp"

namespace gcn {

// A framework that times the catalog's ops: which script, which module it must import.
struct OpPeer {
  std::string name;                  // "torch": the row's implementation and the --peers word
  std::string script;                // file in the peers directory
  std::string module;                // what the interpreter must import
  std::vector<std::string> devices;  // devices the script supports
};

const std::vector<OpPeer>& op_peer_catalog();

// "all": every peer; "none" or "": none; else a comma list of names. Throws gcn::Error on a typo.
std::vector<OpPeer> select_op_peers(const std::vector<std::string>& list);

struct OpPlanSettings {
  std::vector<std::string> backends;  // names; each must be known (backends/backend.hpp)
  std::vector<OpPeer> peers;
  std::vector<std::string> peer_devices;  // cpu, cuda, mps
  std::string self;                       // this gcnbench executable, for op-run
  std::string peers_dir;
  int samples = 15, threads = 0;
};

struct OpRows {
  std::vector<BenchRow> rows;
  std::vector<size_t> case_of_row;  // the case each row times, by index into the cases
};

// The rows in case order, backends before peers. A row whose inputs would not fit in this
// machine's available memory is skipped with the sizes.
OpRows plan_op_rows(const std::vector<OpCase>& cases, const std::vector<OpGraph>& graphs,
                    const OpPlanSettings& settings);

}  // namespace gcn
