// `gcnbench backends`: what this binary was built with and what can run here.
#include <iostream>

#include "backends/backend.hpp"
#include "cli/commands.hpp"

namespace gcn::cli {

void add_backends_command(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("backends", "List the backends built in and whether each can run here");
  sub->callback([] {
    std::vector<std::string> unavailable;
    for (const auto& name : available_backends(&unavailable)) std::cout << name << "\tavailable\n";
    for (const auto& line : unavailable) std::cout << line.substr(0, line.find(':')) << "\tunavailable:" << line.substr(line.find(':') + 1) << "\n";
#if !defined(GCNBENCH_HAVE_CUDA)
    std::cout << "cuda\tnot built (no nvcc at configure time)\n";
#endif
  });
}

}  // namespace gcn::cli
