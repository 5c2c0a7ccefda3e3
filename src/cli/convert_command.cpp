// `gcnbench convert IN --out DIR`: any graph gcnbench reads (the text format, linqs, an edge
// list, a synthetic spec) written in the plain-text format, which every gcnbench command and the
// shared tools read.
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/reorder.hpp"

namespace gcn::cli {

void add_convert_command(CLI::App& app) {
  struct Convert {
    std::string in, synthetic, out, reorder = "none";
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
  add_reorder_option(*sub, command->reorder);
  sub->callback([command] {
    if (command->in.empty() == command->synthetic.empty()) fail("convert takes one graph: IN or --synthetic SPEC");
    std::error_code ec;
    if (!command->force && std::filesystem::exists(std::filesystem::path(command->out) / "meta.txt", ec))
      fail("--out " + command->out + " already holds a dataset (meta.txt); pass --force to overwrite it");
    const std::string format = command->in.empty() ? "synthetic" : dataset_format(command->in);
    std::vector<int32_t> order;
    const Dataset data =
        renumbered_for_locality(command->in.empty() ? generate_synthetic(parse_synthetic_spec(command->synthetic))
                                                    : load_dataset_path(command->in),
                                command->reorder, &order);
    write_text_dataset(data, command->out);
    // The renumbering's inverse, for mapping anything computed on the written graph back to IN's
    // ids; not part of the text format (its loader ignores the file).
    const std::filesystem::path order_path = std::filesystem::path(command->out) / kNodeOrderFile;
    if (!order.empty())
      write_node_order(order, order_path.string());
    else
      std::filesystem::remove(order_path, ec);  // a stale one from before --force would mislead
    std::cerr << "read " << (command->in.empty() ? command->synthetic : command->in) << " (" << format
              << "): " << data.num_nodes << " nodes, " << data.num_undirected_edges() << " edges, " << data.num_features
              << " features, " << data.num_classes << " classes, split " << data.count(Split::Train) << " / "
              << data.count(Split::Val) << " / " << data.count(Split::Test) << "; wrote " << command->out
              << " (text format" << (order.empty() ? "" : ", and " + std::string(kNodeOrderFile)) << ")\n";
  });
}

}  // namespace gcn::cli
