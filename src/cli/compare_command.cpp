// `gcnbench compare OLD NEW`: two result sets side by side, with a significance test per row;
// --fail-above makes it a regression check for CI.
#include <filesystem>
#include <iostream>
#include <memory>

#include "bench/environment.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/compare.hpp"
#include "report/merge.hpp"

namespace gcn::cli {
namespace {

// compare's exit status when --fail-above found a regression: not 2 (a refused request).
constexpr int kRegressionExitCode = 1;

struct CompareCommand {
  std::string old_input, new_input, out;
  double fail_above = -1;
  bool force = false;

  void run() const {
    const auto old_rows = merge_results({old_input}, "");
    const auto new_rows = merge_results({new_input}, "");
    const std::vector<nlohmann::json> compared = compare_results(old_rows, new_rows);
    const TextTable table = make_compare_table(compared);
    const std::string title = "gcnbench compare: " + old_input + " -> " + new_input;
    std::cout << title << "\n\n" << render_text(table);
    if (!out.empty()) {
      namespace fs = std::filesystem;
      for (const char* name : {"compare.json", "compare.md"})
        if (fs::exists(fs::path(out) / name) && !force)
          fail(out + "/" + name + ": already exists; choose another --out or pass --force to overwrite");
      fs::create_directories(out);
      write_file_atomically(out + "/compare.json", nlohmann::json(compared).dump(2) + "\n");
      write_file_atomically(out + "/compare.md",
                            "# " + title + "\n\n```\n" + own_command_line() + "\n```\n\n" + render_markdown(table));
      std::cout << "wrote " << out << "/{compare.json,compare.md}\n";
    }
    if (fail_above >= 0) {
      const auto slower = regressions(compared, fail_above);
      if (!slower.empty()) {
        std::cerr << "gcnbench compare: " << slower.size() << (slower.size() == 1 ? " row" : " rows")
                  << " slower by more than " << fail_above << "% (p < " << kSignificance << "):";
        for (const auto& row : slower)
          std::cerr << " " << row.value("label", "") << " (" << row.value("dataset", "") << ")";
        std::cerr << "\n";
        std::exit(kRegressionExitCode);
      }
    }
  }
};

}  // namespace

void add_compare_command(CLI::App& app) {
  auto command = std::make_shared<CompareCommand>();
  CLI::App* sub = app.add_subcommand(
      "compare", "Compare two results (directories or results.jsonl files): old, new, ratio and a significance test");
  sub->add_option("old", command->old_input, "The earlier results directory or results.jsonl")
      ->required()
      ->check(non_empty_path());
  sub->add_option("new", command->new_input, "The later results directory or results.jsonl")
      ->required()
      ->check(non_empty_path());
  sub->add_option("--fail-above", command->fail_above,
                  "Exit 1 when a row got slower by more than this percentage with p < 0.05")
      ->check(finite_in(0, 1e6));
  sub->add_option("--out", command->out, "Also write compare.json and compare.md into this directory")
      ->check(non_empty_path());
  sub->add_flag("--force", command->force, "Overwrite compare.json and compare.md in --out");
  sub->callback([command] { command->run(); });
}

}  // namespace gcn::cli
