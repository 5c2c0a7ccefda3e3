// One function per subcommand; each adds itself to the app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>

namespace gcn::cli {

void add_train_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_backends_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_verify_command(CLI::App& app);
void add_ops_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_op_run_command(CLI::App& app);

}  // namespace gcn::cli
