// The gcnbench binary ($GCNBENCH_BINARY, set by CTest) on bad input, as a user meets it: every
// mistake ends with exit status 2 and one clear line on stderr, never a signal or a hang; and
// `--help` of every subcommand exits 0 and names every flag.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/process.hpp"
#include "cli/commands.hpp"
#include "core/read_file.hpp"
#include "data/data_test_util.hpp"
#include "support/gcnbench_cli.hpp"

namespace gcn {
namespace {

using testing::TempDir;

const char* const kTinyGraph = "nodes=120,degree=4,features=16,classes=3,seed=7";

using testing::CliRun;
using testing::run_gcnbench;

std::string binary() { return testing::gcnbench_binary(); }

// Exit status 2, no signal, and exactly one "gcnbench: error:" line on stderr containing every
// one of `parts`; lines before it (progress notes) are allowed, lines after it are not.
void expect_bad_input(const CliRun& run, std::initializer_list<std::string> parts) {
  const ProcessResult& r = run.result;
  SCOPED_TRACE(run.command + "\nstderr: " + r.stderr_tail);
  ASSERT_FALSE(r.spawn_failed) << r.error;
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, 2);
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < r.stderr_tail.size();) {
    const size_t end = std::min(r.stderr_tail.find('\n', begin), r.stderr_tail.size());
    lines.push_back(r.stderr_tail.substr(begin, end - begin));
    begin = end + 1;
  }
  ASSERT_FALSE(lines.empty()) << "nothing on stderr";
  const std::string& message = lines.back();
  EXPECT_EQ(message.rfind("gcnbench: error: ", 0), 0u) << "last stderr line: " << message;
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("error") != std::string::npos; }),
            1)
      << "more than one error line";
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << "message lacks \"" << part << "\"";
}

class CliErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    if (binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  }
  TempDir dir;
};

TEST_F(CliErrors, MissingDataDirectory) {
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("absent")}), {dir.file("absent"), "no such file or directory"});
}

TEST_F(CliErrors, MissingLinqsContentFile) {
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content")}), {dir.file("cora.content"), "cannot open"});
}

TEST_F(CliErrors, MissingLinqsCitesFile) {
  std::string content;
  for (int i = 0; i < 1500; ++i) content += std::to_string(i) + " 0 1 A\n";
  dir.write("cora.content", content);
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content")}), {dir.file("cora.cites"), "cannot open"});
}

TEST_F(CliErrors, MalformedTextFormatFile) {
  dir.write("d/meta.txt", "nodes 3\nfeatures 2\nclasses 2\nedges 1\ntrain 1\nval 1\ntest 1\n");
  dir.write("d/edges.txt", "0 x\n");
  dir.write("d/features.txt", "0\n1\n0 1\n");
  dir.write("d/labels.txt", "0\n1\n0\n");
  dir.write("d/split.txt", "train\nval\ntest\n");
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("d")}), {dir.file("d/edges.txt") + ":1:", "not an integer"});
}

TEST_F(CliErrors, MalformedLinqsLine) {
  std::string content;
  for (int i = 0; i < 1500; ++i) content += std::to_string(i) + (i == 41 ? " 0 7 A\n" : " 0 1 A\n");
  dir.write("cora.content", content);
  dir.write("cora.cites", "0 1\n");
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content")}),
                   {dir.file("cora.content") + ":42:", "not 0 or 1"});
}

TEST_F(CliErrors, UnknownDatasetNameSaysHowToGetIt) {
  expect_bad_input(run_gcnbench({"train", "--dataset", "pubmed"}, {"GCNBENCH_DATA=" + dir.path()}),
                   {"dataset 'pubmed' not found", "scripts/get-data"});
}

TEST_F(CliErrors, UnknownBackend) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--backend", "tpu"}), {"unknown backend 'tpu'", "cpu-ref"});
}

TEST_F(CliErrors, UnknownPreset) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--preset", "pyg"}), {"unknown preset 'pyg'", "kipf"});
}

TEST_F(CliErrors, BadSeeds) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--seeds", "3-1"}), {"--seeds", "'3-1' is empty"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--seeds", "a"}), {"--seeds", "'a' is not"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--seeds", ""}), {"--seeds", "'' is not"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--seeds", "1,,2"}), {"--seeds", "'' is not"});
}

TEST_F(CliErrors, BadSyntheticSpec) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", "nodes=100,degree=4"}), {"synthetic spec", "missing 'features'"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", "nodes=100,degree=100,features=4,classes=2,seed=0"}),
                   {"synthetic spec", "degree=100 is more than nodes-1=99"});
}

TEST_F(CliErrors, BadFlagValues) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--adj", "diagonal"}), {"--adj", "see `gcnbench train --help`"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--epochs", "many"}), {"--epochs"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--epochs", "0"}), {"--epochs", "outside [1, "});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--dropout", "1"}), {"--dropout", "outside [0, 1)"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--lr=-1"}), {"--lr", "outside (0, "});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--threads=-2"}), {"--threads"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--no-such-flag"}), {"--no-such-flag"});
  expect_bad_input(run_gcnbench({"train", "--dataset", "cora", "--synthetic", kTinyGraph}), {"excludes"});
  expect_bad_input(run_gcnbench({"frobnicate"}), {"unknown command 'frobnicate'"});
  expect_bad_input(run_gcnbench({}), {"subcommand"});
}

// Every numeric flag is checked by the same rules in every command that has it: whole, finite,
// in a range the message states. (Each of these was once accepted by one command or another:
// NaN weight decay trained NaN weights with exit 0, bench replaced --epochs -5 by the preset's.)
TEST_F(CliErrors, NumericFlagsAreFiniteAndInRangeInEveryCommand) {
  const std::vector<std::string> train = {"train", "--synthetic", kTinyGraph};
  const std::vector<std::string> bench = {"bench", "--synthetic", kTinyGraph, "--peers", "none", "--out", dir.file("b")};
  const std::vector<std::string> verify = {"verify", "--synthetic", kTinyGraph};
  const struct {
    std::vector<std::string> command;
    std::vector<std::string> flag;
    std::vector<std::string> message;
  } cases[] = {
      {train, {"--weight-decay", "nan"}, {"--weight-decay", "'nan' is not finite", "[0, inf)"}},
      {train, {"--weight-decay", "inf"}, {"--weight-decay", "'inf' is not finite"}},
      {train, {"--dropout", "nan"}, {"--dropout", "not finite", "[0, 1)"}},
      {train, {"--lr", "1e400"}, {"--lr", "not finite"}},
      {train, {"--threads", "100000"}, {"--threads", "outside [0, 1024]"}},
      {train, {"--layers", "1000000"}, {"--layers", "outside [1, 16]"}},
      {train, {"--hidden", "2.5"}, {"--hidden", "not a whole number"}},
      {train, {"--warmup", "-1"}, {"--warmup", "outside [0, "}},
      {bench, {"--epochs", "-5"}, {"--epochs", "outside [1, "}},
      {bench, {"--threads", "-1"}, {"--threads", "outside [0, 1024]"}},
      {bench, {"--timeout", "nan"}, {"--timeout", "not finite", "(0, "}},
      {bench, {"--runs", "0"}, {"--runs", "outside [1, "}},
      {bench, {"--weight-decay", "nan"}, {"--weight-decay", "not finite"}},
      {bench, {"--backends", "bogus"}, {"--backends", "unknown backend 'bogus'", "cpu-ref"}},
      {verify, {"--timeout", "0"}, {"--timeout", "outside (0, "}},
      {verify, {"--dropout", "nan"}, {"--dropout", "not finite"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.command;
    args.insert(args.end(), c.flag.begin(), c.flag.end());
    SCOPED_TRACE(args[0] + " " + c.flag[0] + " " + c.flag[1]);
    const CliRun run = run_gcnbench(args);
    switch (c.message.size()) {
      case 2: expect_bad_input(run, {c.message[0], c.message[1]}); break;
      default: expect_bad_input(run, {c.message[0], c.message[1], c.message[2]}); break;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("b") + "/results.jsonl"));
}

// An empty path (an unset shell variable) is an error, never a default: `--data ''` once
// trained Cora.
TEST_F(CliErrors, EmptyPathsAreErrors) {
  expect_bad_input(run_gcnbench({"train", "--data", ""}), {"--data", "empty path"});
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--init-weights", ""}), {"--init-weights", "empty path"});
  expect_bad_input(run_gcnbench({"export", "--synthetic", kTinyGraph, "--out", ""}), {"--out", "empty path"});
  expect_bad_input(run_gcnbench({"bench", "--synthetic", kTinyGraph, "--out", ""}), {"--out", "empty path"});
  expect_bad_input(run_gcnbench({"report", ""}), {"empty path"});
}

// Inputs that are not regular files are refused at once, naming the path: a FIFO once blocked
// gcnbench forever in open(), /dev/zero was read until memory ran out.
TEST_F(CliErrors, InputsThatAreNotRegularFilesAreRefused) {
  dir.write("d/meta.txt", "nodes 3\nfeatures 2\nclasses 2\nedges 1\ntrain 1\nval 1\ntest 1\n");
  dir.write("d/features.txt", "0\n1\n0 1\n");
  dir.write("d/labels.txt", "0\n1\n0\n");
  dir.write("d/split.txt", "train\nval\ntest\n");
  ASSERT_EQ(::mkfifo(dir.file("d/edges.txt").c_str(), 0600), 0);
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("d")}), {dir.file("d/edges.txt"), "not a regular file"});

  std::string content;
  for (int i = 0; i < 1500; ++i) content += std::to_string(i) + " 0 1 A\n";
  dir.write("cora.content", content);
  ASSERT_EQ(::mkfifo(dir.file("cora.cites").c_str(), 0600), 0);
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content")}), {dir.file("cora.cites"), "not a regular file"});

  ASSERT_EQ(::mkfifo(dir.file("weights.json").c_str(), 0600), 0);
  for (const std::string& weights : {dir.file("weights.json"), std::string("/dev/zero")})
    expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--init-weights", weights}), {weights, "not a regular file"});
  ASSERT_EQ(::mkfifo(dir.file("results.jsonl").c_str(), 0600), 0);
  expect_bad_input(run_gcnbench({"report", dir.file("results.jsonl")}), {dir.file("results.jsonl"), "not a regular file"});
}

// A weights file whose shapes claim more values than it holds is refused before anything is
// sized from them (96 bytes claiming a 3e9 x 1 matrix once drove 11.7 GB of memory).
TEST_F(CliErrors, WeightsFileClaimingMoreThanItHoldsIsRefusedCheaply) {
  dir.write("w.json", R"({"format":"gcnbench-parameters-1","layers":[{"rows":3000000000,"cols":1,"weight":[1],"bias":[0]}]})");
  expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--init-weights", dir.file("w.json")}),
                   {dir.file("w.json"), "3000000000 x 1", "holds 1 values"});
  // JSON that is not an object (found by scripts/fuzz: it once ended in std::terminate).
  for (const char* text : {"2", "[]", "\"x\"", "{\"format\":7}"}) {
    dir.write("v.json", text);
    expect_bad_input(run_gcnbench({"train", "--synthetic", kTinyGraph, "--init-weights", dir.file("v.json")}),
                     {dir.file("v.json"), "not a gcnbench-parameters-1 file"});
  }
}

// Six nodes, three edges, with `split` as the split file's lines (and meta's counts to match).
void write_small_dataset(const TempDir& dir, const std::string& name, const std::vector<std::string>& split) {
  int train = 0, val = 0, test = 0;
  std::string split_text;
  for (const auto& s : split) {
    train += s == "train", val += s == "val", test += s == "test";
    split_text += s + "\n";
  }
  dir.write(name + "/meta.txt", "nodes 6\nfeatures 2\nclasses 2\nedges 3\ntrain " + std::to_string(train) + "\nval " +
                                    std::to_string(val) + "\ntest " + std::to_string(test) + "\n");
  dir.write(name + "/edges.txt", "0 1\n2 3\n4 5\n");
  dir.write(name + "/features.txt", "0\n1\n0 1\n0\n1\n0 1\n");
  dir.write(name + "/labels.txt", "0\n1\n0\n1\n0\n1\n");
  dir.write(name + "/split.txt", split_text);
}

// A metric over an empty split cannot be computed: it is n/a on the terminal and null in JSON
// and in bench's results, never the 0.0000 it once was; the run itself succeeds.
TEST_F(CliErrors, MetricsOfAnEmptySplitAreAbsentNotZero) {
  write_small_dataset(dir, "no-test", {"train", "train", "val", "val", "none", "none"});
  const CliRun text = run_gcnbench({"train", "--data", dir.file("no-test"), "--epochs", "3"});
  ASSERT_TRUE(text.result.succeeded()) << text.result.stderr_tail;
  EXPECT_NE(text.stdout_text.find("test_acc n/a"), std::string::npos) << text.stdout_text;
  EXPECT_EQ(text.stdout_text.find("test_acc 0.0000"), std::string::npos) << text.stdout_text;
  const CliRun json = run_gcnbench({"train", "--data", dir.file("no-test"), "--epochs", "3", "--json"});
  ASSERT_TRUE(json.result.succeeded()) << json.result.stderr_tail;
  EXPECT_NE(json.stdout_text.find("\"test_acc\":null"), std::string::npos) << json.stdout_text;

  write_small_dataset(dir, "no-val", {"train", "train", "test", "test", "none", "none"});
  const CliRun no_val = run_gcnbench({"train", "--data", dir.file("no-val"), "--epochs", "3"});
  ASSERT_TRUE(no_val.result.succeeded()) << no_val.result.stderr_tail;
  EXPECT_NE(no_val.stdout_text.find("val_loss n/a"), std::string::npos) << no_val.stdout_text;

  const CliRun bench = run_gcnbench({"bench", "--data", dir.file("no-test"), "--backends", "cpu-ref", "--peers", "none",
                                     "--runs", "1", "--epochs", "2", "--warmup", "0", "--out", dir.file("b")});
  ASSERT_TRUE(bench.result.succeeded()) << bench.result.stderr_tail;
  EXPECT_NE(bench.stdout_text.find("n/a"), std::string::npos) << bench.stdout_text;
  const std::string results = read_file(dir.file("b/results.jsonl"));
  EXPECT_NE(results.find("\"test_acc_mean\":null"), std::string::npos) << results;
}

// A graph with no edge after loading is an error naming the file, unless asked for: an empty
// .cites file once trained an edgeless graph with exit 0.
TEST_F(CliErrors, AGraphWithoutEdgesIsAnErrorUnlessAllowed) {
  std::string content;
  for (int i = 0; i < 1500; ++i) content += std::to_string(i) + " 0 1 " + (i % 2 ? "A" : "B") + "\n";
  dir.write("cora.content", content);
  dir.write("cora.cites", "");
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content"), "--epochs", "2"}),
                   {dir.file("cora.cites"), "no edge", "--allow-edgeless"});
  dir.write("cora.cites", "90001 90002\n");  // every citation names an unknown paper
  expect_bad_input(run_gcnbench({"train", "--data", dir.file("cora.content"), "--epochs", "2"}),
                   {dir.file("cora.cites"), "no edge"});
  const CliRun allowed = run_gcnbench({"train", "--data", dir.file("cora.content"), "--epochs", "2", "--allow-edgeless"});
  EXPECT_TRUE(allowed.result.succeeded()) << allowed.result.stderr_tail;
}

// report reads with the writer's rules: a row with a zero epoch time (an edited or broken
// file) is refused naming the file and line, instead of giving infinite or NaN speedups.
TEST_F(CliErrors, ReportRefusesZeroEpochTimes) {
  const CliRun bench = run_gcnbench({"bench", "--synthetic", kTinyGraph, "--backends", "cpu-ref", "--peers", "none",
                                     "--runs", "1", "--epochs", "2", "--warmup", "0", "--out", dir.file("b")});
  ASSERT_TRUE(bench.result.succeeded()) << bench.result.stderr_tail;
  std::string results = read_file(dir.file("b/results.jsonl"));
  const size_t at = results.find("\"min\":");
  ASSERT_NE(at, std::string::npos);
  const size_t end = results.find_first_of(",}", at);
  results.replace(at, end - at, "\"min\":0");
  dir.write("edited/results.jsonl", results);
  expect_bad_input(run_gcnbench({"report", dir.file("edited")}), {dir.file("edited/results.jsonl") + ":1:", "positive"});
}

// verify's temporary export (GBs for a large graph) is removed on every way out, a failing peer
// included.
TEST_F(CliErrors, VerifyLeavesNoTemporaryFilesWhenItFails) {
  std::filesystem::create_directories(dir.file("tmp"));
  std::filesystem::create_directories(dir.file("peers"));
  dir.write("peers/torch_gcn.py", "import sys\nsys.exit(2)\n");  // a peer that fails at once
  const CliRun run = run_gcnbench({"verify", "--synthetic", kTinyGraph, "--peer", "torch-dense", "--peers-dir",
                                   dir.file("peers"), "--backends", "cpu-ref"},
                                  {"TMPDIR=" + dir.file("tmp")});
  EXPECT_EQ(run.result.exit_code, 2) << run.result.stderr_tail;
  EXPECT_TRUE(std::filesystem::is_empty(dir.file("tmp"))) << "verify left its temporary directory behind";
}

// A seed range that ends at the largest seed ends (the loop once wrapped around forever).
TEST_F(CliErrors, SeedRangeAtTheTopOfTheRangeEnds) {
  const CliRun run = run_gcnbench(
      {"train", "--synthetic", kTinyGraph, "--epochs", "1", "--quiet", "--seeds", "18446744073709551614-18446744073709551615"});
  ASSERT_TRUE(run.result.succeeded()) << run.result.describe_failure(120) << "\n" << run.result.stderr_tail;
  EXPECT_NE(run.stdout_text.find("over 2 seed(s)"), std::string::npos) << run.stdout_text;
}

// A million nodes: the dense n x n adjacency would be 4 TB. The refusal names the size, the
// limit and the way around it, before any attempt to allocate it.
TEST_F(CliErrors, DenseAdjacencyTooLargeForMemory) {
  expect_bad_input(run_gcnbench({"train", "--synthetic", "nodes=1000000,degree=2,features=4,classes=2,seed=0", "--adj", "dense",
                                 "--epochs", "1"}),
                   {"dense adjacency", "more than the", "use --adj sparse"});
}

TEST_F(CliErrors, DivergingTrainingStopsNamingTheEpoch) {
  const CliRun run = run_gcnbench({"train", "--synthetic", kTinyGraph, "--lr", "1e30", "--epochs", "50"});
  expect_bad_input(run, {"training diverged", "at epoch", "of seed 0", "smaller --lr"});
}

TEST_F(CliErrors, ValidRunSucceeds) {  // the baseline the cases above differ from
  const CliRun run = run_gcnbench({"train", "--synthetic", kTinyGraph, "--epochs", "3", "--seeds", "0,2"});
  ASSERT_TRUE(run.result.succeeded()) << run.result.describe_failure(120) << "\n" << run.result.stderr_tail;
  EXPECT_NE(run.stdout_text.find("over 2 seed(s)"), std::string::npos) << run.stdout_text;
}

// Every subcommand's --help exits 0 and mentions each of its flags. The flags are read from the
// same CLI11 definitions the binary is built from, so a new flag is covered without editing this.
class CliHelp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
    cli::add_train_command(app);
    cli::add_export_command(app);
    cli::add_backends_command(app);
    cli::add_bench_command(app);
    cli::add_report_command(app);
    cli::add_verify_command(app);
  }
  std::vector<const CLI::App*> subcommands() const {
    return static_cast<const CLI::App&>(app).get_subcommands([](const CLI::App*) { return true; });
  }
  CLI::App app{"gcnbench"};
};

TEST_F(CliHelp, TopLevelHelpListsEverySubcommand) {
  const CliRun run = run_gcnbench({"--help"});
  ASSERT_TRUE(run.result.succeeded()) << run.result.describe_failure(120);
  EXPECT_EQ(subcommands().size(), 6u);
  for (const CLI::App* sub : subcommands())
    EXPECT_NE(run.stdout_text.find(sub->get_name()), std::string::npos) << sub->get_name() << "\n" << run.stdout_text;
}

TEST_F(CliHelp, EverySubcommandHelpMentionsEveryFlag) {
  for (const CLI::App* sub : subcommands()) {
    SCOPED_TRACE(sub->get_name());
    const CliRun run = run_gcnbench({sub->get_name(), "--help"});
    ASSERT_TRUE(run.result.succeeded()) << run.result.describe_failure(120) << "\n" << run.result.stderr_tail;
    const std::string& help = run.stdout_text;
    size_t flags = 0;
    for (const CLI::Option* option : sub->get_options()) {
      for (const std::string& name : option->get_lnames()) {
        ++flags;
        EXPECT_NE(help.find("--" + name), std::string::npos) << "--" << name << " missing from help:\n" << help;
      }
      if (option->get_lnames().empty() && option->get_snames().empty()) {  // a positional argument
        EXPECT_NE(help.find(option->get_name()), std::string::npos) << option->get_name() << " missing from help:\n" << help;
      }
      EXPECT_FALSE(option->get_description().empty()) << option->get_name() << " says nothing about what it does";
    }
    EXPECT_GE(flags, 1u);
  }
}

}  // namespace
}  // namespace gcn
