// `gcnbench convert IN --out DIR`: any graph gcnbench reads (the text format, linqs, an edge
// list, a synthetic spec) written in the plain-text format, which every gcnbench command and the
// shared tools read.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"

namespace gcn::cli {

void add_convert_command(CLI::App& app) {
  struct Convert {
    std::string in, synthetic, out;
    bool force = false;
  };
  auto command = std::make_shared<Convert>();
  CLI::App* sub = app.add_subcommand(
      "convert", "Write a graph (text format, linqs, edge list, or --synthetic) in the plain-text format");
  sub->add_option("in", command->in,
                  "The graph: a text-format directory, PATH/NAME.content, or an edge list "
                  "(PATH/edges.txt with labels.txt beside it); README \"Data formats\"")
      ->check(non_empty_path());
  sub->add_option("--synthetic", command->synthetic, "Instead of IN: a synthetic graph's spec, as train's");
  sub->add_option("--out", command->out, "Output directory (the text format's five files)")
      ->required()
      ->check(non_empty_path());
  sub->add_flag("--force", command->force, "Overwrite the files of an existing --out directory");
  sub->callback([command] {
    if (command->in.empty() == command->synthetic.empty()) fail("convert takes one graph: IN or --synthetic SPEC");
    std::error_code ec;
    if (!command->force && std::filesystem::exists(std::filesystem::path(command->out) / "meta.txt", ec))
      fail("--out " + command->out + " already holds a dataset (meta.txt); pass --force to overwrite it");
    const std::string format = command->in.empty() ? "synthetic" : dataset_format(command->in);
    const Dataset data = command->in.empty() ? generate_synthetic(parse_synthetic_spec(command->synthetic))
                                             : load_dataset_path(command->in);
    write_text_dataset(data, command->out);
    std::cerr << "read " << (command->in.empty() ? command->synthetic : command->in) << " (" << format
              << "): " << data.num_nodes << " nodes, " << data.num_undirected_edges() << " edges, " << data.num_features
              << " features, " << data.num_classes << " classes, split " << data.count(Split::Train) << " / "
              << data.count(Split::Val) << " / " << data.count(Split::Test) << "; wrote " << command->out
              << " (text format)\n";
  });
}

}  // namespace gcn::cli
