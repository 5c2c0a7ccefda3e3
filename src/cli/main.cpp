// gcnbench: train and benchmark GCNs on several backends. Library code throws gcn::Error;
// here it becomes one message on stderr and exit status 2.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/build_info.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gcnbench: train Graph Convolutional Networks on several backends and benchmark them "
               "against PyTorch, PyG, JAX and MLX"};
  app.require_subcommand(1);
  // A command-line mistake reads like every other error: one line, naming the way to the help
  // of the subcommand that was being parsed.
  app.failure_message([](const CLI::App* main_app, const CLI::Error& e) {
    std::string help = "gcnbench";
    for (const CLI::App* sub : main_app->get_subcommands()) help += " " + sub->get_name();
    // CLI11 reports a misspelt command as "a subcommand is required"; name the word instead.
    std::string what = e.what();
    const std::vector<std::string> extras = main_app->remaining();
    if (main_app->get_subcommands().empty() && !extras.empty())
      what = "unknown command '" + extras.front() + "'; the commands are train, export, convert, backends, bench, ops, compare, report, verify";
    return "gcnbench: error: " + what + " (see `" + help + " --help`)\n";
  });
  app.set_version_flag("--version", std::string(GCNBENCH_VERSION) + " (" + gcn::build_git_commit() + ")");
  gcn::cli::add_train_command(app);
  gcn::cli::add_export_command(app);
  gcn::cli::add_convert_command(app);
  gcn::cli::add_backends_command(app);
  gcn::cli::add_bench_command(app);
  gcn::cli::add_report_command(app);
  gcn::cli::add_verify_command(app);
  gcn::cli::add_ops_command(app);
  gcn::cli::add_compare_command(app);
  gcn::cli::add_op_run_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const gcn::Error& e) {
    std::cerr << "gcnbench: error: " << e.what() << std::endl;
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "gcnbench: error: out of memory (the input is too large for this machine)" << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gcnbench: internal error: " << e.what() << std::endl;
    return 3;
  }
  return 0;
}
