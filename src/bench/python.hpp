// Which Python can run a peer: the first of $GCNBENCH_PYTHON, /usr/bin/python3 and `python3` on
// PATH that can import the peer's framework (probed with `python -c "import torch"`). Machines
// differ (Debian's torch in /usr/bin/python3 here, a pyenv/conda python3 first on PATH elsewhere),
// so the choice is made per framework and recorded in every result row.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gcn {

struct PythonChoice {
  std::string interpreter;          // the path that imported the module
  std::vector<std::string> tried;   // every candidate probed, "path: reason" for the failures
};

// Candidates in order, duplicates (same resolved file) removed.
std::vector<std::string> python_candidates();

// The first candidate that imports `module` (results are cached per module). nullopt if none
// can; `tried` then says why for each (for the "skipped" reason).
std::optional<std::string> find_python_with(const std::string& module, std::vector<std::string>* tried = nullptr);

// Why the peer script `script`, which needs `module`, cannot run here (the script missing, no
// interpreter that imports the module); empty when it can, with the interpreter in `python`.
std::string peer_unavailable_reason(const std::string& module, const std::string& script,
                                    std::optional<std::string>& python);

}  // namespace gcn
