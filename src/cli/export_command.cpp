// `gcnbench export`: writes the preprocessed problem (A_hat, features, labels, split, config)
// as .npy files + problem.json, so the framework peers train on byte-identical inputs.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "cli/problem_loading.hpp"
#include "model/problem_files.hpp"
#include "model/problem.hpp"

namespace gcn::cli {

void add_export_command(CLI::App& app) {
  struct Export {
    DataOptions data;
    ModelOptions model;
    std::string out;
  };
  auto command = std::make_shared<Export>();
  CLI::App* sub = app.add_subcommand("export", "Write the preprocessed problem for the peers (peers/README.md)");
  add_data_options(*sub, command->data);
  command->model.add_to(*sub, "kipf");
  sub->add_option("--out", command->out, "Output directory (created atomically)")->required()->check(non_empty_path());
  sub->callback([command] {
    const std::optional<Problem> problem = load_problem(command->data, command->model.resolve(), MemoryCheck{});
    export_problem(*problem, command->out);
    std::cerr << "wrote " << command->out << "\n";
  });
}

}  // namespace gcn::cli
