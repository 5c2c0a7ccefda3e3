// `gcnbench report DIR...`: merges the results directories of several machines (or several
// bench runs) into one table, and with --out into one results directory with one chart.
#include <iostream>
#include <memory>

#include "bench/environment.hpp"
#include "cli/commands.hpp"
#include "cli/flag_checks.hpp"
#include "core/error.hpp"
#include "report/result_dir.hpp"
#include "report/merge.hpp"
#include "report/table.hpp"

namespace gcn::cli {

void add_report_command(CLI::App& app) {
  struct Report {
    std::vector<std::string> inputs;
    std::string out, baseline;
    bool force = false;
  };
  auto command = std::make_shared<Report>();
  CLI::App* sub = app.add_subcommand("report", "Merge results directories (e.g. from several machines) into one "
                                               "table, and with --out one results directory and chart");
  sub->add_option("dirs", command->inputs, "Results directories written by `gcnbench bench`")
      ->required()
      ->check(non_empty_path());
  sub->add_option("--out", command->out, "Write the merged results.jsonl/csv, report.md and chart here")
      ->check(non_empty_path());
  sub->add_option("--baseline", command->baseline,
                  "Row for the speedups: label prefix, optionally @host (torch-dense/cpu@myhost); default: keep each "
                  "directory's own speedups");
  sub->add_flag("--force", command->force, "Overwrite the files of an existing --out directory");
  sub->callback([command] {
    ReportText text;
    std::string warning;
    const std::vector<nlohmann::json> rows = merge_results(command->inputs, command->baseline, &warning);
    if (!warning.empty()) {
      std::cerr << "gcnbench report: warning: " << warning << "\n";
      text.notes.push_back(warning);
    }
    std::string from;
    for (const auto& input : command->inputs) from += (from.empty() ? "" : ", ") + input;
    text.title = "gcnbench report: " + from;
    text.command_line = own_command_line();
    std::cout << render_text(make_table(rows));
    if (!command->out.empty()) {
      const OutputDirLock lock = prepare_output_dir(command->out, command->force);
      const std::string chart_error = write_result_dir(command->out, rows, text);
      if (!chart_error.empty()) std::cerr << "gcnbench report: no chart: " << chart_error << "\n";
      std::cout << "wrote " << command->out << "\n";
    }
  });
}

}  // namespace gcn::cli
