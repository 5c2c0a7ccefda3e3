// `gcnbench bench`, `report` and `verify` run as a user runs them: the built binary
// ($GCNBENCH_BINARY, set by CTest) on a tiny synthetic graph with cpu-ref, plus the PyTorch peer
// when /usr/bin/python3 (or $GCNBENCH_PYTHON...) has torch, and jax, absent here, as a skipped row.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/process.hpp"
#include "bench/python.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/read_file.hpp"
#include "report/result_schema.hpp"

namespace gcn {
namespace {

const char* kGraph = "nodes=120,degree=4,features=16,classes=3,seed=7";

std::string binary() {
  const char* path = std::getenv("GCNBENCH_BINARY");
  return path ? path : "";
}

class BenchEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    if (binary().empty()) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
    // One directory per test: ctest runs these tests in parallel processes.
    out_ = testing::TempDir() + "/gcnbench_bench_e2e_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(out_);
  }
  std::string out_;
};

bool has_module(const std::string& module) { return find_python_with(module).has_value(); }

TEST_F(BenchEndToEnd, WritesEveryOutputFile) {
  const bool torch = has_module("torch");
  const bool jax = has_module("jax");
  std::vector<std::string> argv = {binary(),         "bench",
                                   "--synthetic",    kGraph,
                                   "--backends",     "cpu-ref",
                                   "--runs",         "2",
                                   "--epochs",       "4",
                                   "--warmup",       "1",
                                   "--peers",        torch ? "torch-dense,jax" : "jax",
                                   "--peer-devices", "cpu",
                                   "--out",          out_};
  const ProcessResult r = run_process(argv);
  ASSERT_TRUE(r.succeeded()) << r.describe_failure(0) << "\n" << r.stderr_tail;

  for (const char* file : {"results.jsonl", "results.csv", "report.md", "stderr.log"})
    EXPECT_TRUE(std::filesystem::exists(out_ + "/" + file)) << file;
  const auto rows = read_results_jsonl(out_ + "/results.jsonl");  // validates every row
  for (const auto& row : rows) {
    if (row["status"] == "reference") continue;
    // The synthetic graph's size, as loaded: 120 nodes, 16 features; A_hat with its self loops.
    ASSERT_TRUE(row.contains("graph")) << row["label"];
    EXPECT_EQ(row["graph"]["nodes"], 120);
    EXPECT_EQ(row["graph"]["features"], 16);
    EXPECT_GE(row["graph"]["adjacency_entries"].get<int64_t>(), 120);
    if (row["status"] == "ok") {
      const double expected =
          row["graph"]["adjacency_entries"].get<double>() / (row["epoch_ms"]["mean"].get<double>() * 1e-3);
      EXPECT_NEAR(row["adjacency_entries_per_s"].get<double>(), expected, 1e-9 * expected);
    }
  }
  std::map<std::string, std::string> status;
  std::map<std::string, nlohmann::json> by_label;
  for (const auto& row : rows) {
    status[row["label"].get<std::string>()] = row["status"].get<std::string>();
    by_label[row["label"].get<std::string>()] = row;
  }
  EXPECT_EQ(status["gcnbench-cpu-ref/cpu/dense"], "ok");
  // jax-sparse is among the peers (sparse A_hat and sparse X), so without --adj gcnbench runs that
  // computation too: the preset's features are dense, so its label says "+sparse-x".
  EXPECT_EQ(status["gcnbench-cpu-ref/cpu/sparse+sparse-x"], "ok");
  EXPECT_EQ(by_label["gcnbench-cpu-ref/cpu/sparse+sparse-x"]["features"], "sparse");
  EXPECT_EQ(by_label["gcnbench-cpu-ref/cpu/dense"]["features"], "dense");
  if (torch) {
    EXPECT_EQ(status["torch-dense/cpu/dense"], "ok");
    // Speedups compare like with like: the dense row against torch-dense, the sparse one not.
    EXPECT_EQ(by_label["gcnbench-cpu-ref/cpu/dense"]["baseline"], "torch-dense/cpu/dense");
    EXPECT_NE(by_label["gcnbench-cpu-ref/cpu/sparse+sparse-x"]["baseline"], "torch-dense/cpu/dense");
    // The environment names the peer's interpreter, its Python and torch versions.
    bool listed = false;
    for (const auto& peer : by_label["torch-dense/cpu/dense"]["environment"]["peers"])
      if (peer["implementation"] == "torch-dense") {
        listed = true;
        EXPECT_TRUE(peer["python_version"].is_string()) << peer.dump();
        EXPECT_TRUE(peer["framework_version"].is_string()) << peer.dump();
      }
    EXPECT_TRUE(listed);
  }
  if (jax) {
    EXPECT_EQ(by_label["jax-sparse/cpu/sparse"]["baseline"], by_label["gcnbench-cpu-ref/cpu/sparse+sparse-x"]["baseline"]);
  }
  if (!jax) {  // absent from this machine: listed, with the reason
    EXPECT_EQ(status["jax-dense/cpu/dense"], "skipped");
    EXPECT_EQ(status["jax-sparse/cpu/sparse"], "skipped");
  }
  for (const auto& row : rows) {
    if (row["status"] != "ok") continue;
    EXPECT_EQ(row["epoch_ms"]["samples"], 2 * 4) << row["label"];  // warm-up epochs excluded
    EXPECT_EQ(row["runs"], 2);
  }

  const std::string csv = read_file(out_ + "/results.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(rows.size() + 1));
  const std::string report = read_file(out_ + "/report.md");
  EXPECT_NE(report.find("| gcnbench-cpu-ref |"), std::string::npos) << report;
  EXPECT_NE(report.find("## Environment"), std::string::npos);
  // The terminal table: fastest first, the cpu-ref row and the skipped jax rows listed.
  std::string stdout_text;
  for (const auto& line : r.stdout_lines) stdout_text += line + "\n";
  EXPECT_NE(stdout_text.find("gcnbench-cpu-ref"), std::string::npos) << stdout_text;
  if (!jax) {
    EXPECT_NE(stdout_text.find("jax-dense/cpu/dense"), std::string::npos) << stdout_text;
  }

  if (!has_module("matplotlib")) GTEST_SKIP() << "no Python with matplotlib: chart not drawn";
  const std::string png = read_file(out_ + "/chart.png");
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_NE(read_file(out_ + "/chart.svg").find("<svg"), std::string::npos);

  // An existing results directory is kept unless --force.
  const ProcessResult again = run_process(argv);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.stderr_tail.find("already exists"), std::string::npos) << again.stderr_tail;

  // report: the directory read back and rendered, merged output written.
  const ProcessResult report_run = run_process({binary(), "report", out_, "--out", out_ + "-merged"});
  ASSERT_TRUE(report_run.succeeded()) << report_run.stderr_tail;
  EXPECT_EQ(read_results_jsonl(out_ + "-merged/results.jsonl").size(), rows.size());
  std::filesystem::remove_all(out_ + "-merged");
}

// --reference mlx-gcn: the MLX-vs-CUDA benchmark's published Cora figures as rows of their own,
// marked as not measured here, in results.jsonl (valid rows), the CSV, the tables and the chart;
// they get no speedup. --timing dispatch adds no row for a CPU backend (nothing to show there).
// --profile: the first run of each gcnbench row profiles its epoch; the steps are kept in the row
// and shown in report.md, and the timed epochs are the row's as without it.
TEST_F(BenchEndToEnd, ProfileKeepsEachStepOfTheFirstRun) {
  const ProcessResult r = run_process({binary(), "bench", "--synthetic", kGraph, "--backends", "cpu", "--adj", "sparse",
                                       "--runs", "2", "--epochs", "3", "--warmup", "1", "--peers", "none", "--profile",
                                       "2", "--out", out_});
  ASSERT_TRUE(r.succeeded()) << r.describe_failure(0) << "\n" << r.stderr_tail;
  const auto rows = read_results_jsonl(out_ + "/results.jsonl");
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows.front();
  ASSERT_EQ(row["status"], "ok");
  EXPECT_EQ(row["epoch_ms"]["samples"], 2 * 3);
  ASSERT_TRUE(row.contains("profile")) << row.dump();
  ASSERT_TRUE(row["profile"]["steps"].is_array());
  EXPECT_GT(row["profile"]["steps"].size(), 5u);
  EXPECT_EQ(row["profile"]["summary"]["epochs"], 2);
  EXPECT_EQ(row["profile"]["steps"][0]["event"], "profile");
  const std::string report = read_file(out_ + "/report.md");
  EXPECT_NE(report.find("## Where each epoch goes"), std::string::npos) << report;
  EXPECT_NE(report.find("| adam | adam_update |"), std::string::npos) << report;
}

TEST_F(BenchEndToEnd, PublishedReferenceRowsStandBesideMeasuredOnes) {
  const ProcessResult r =
      run_process({binary(),      "bench",   "--dataset", "cora",     "--backends", "cpu", "--adj",   "sparse",
                   "--runs",      "1",       "--epochs",  "2",        "--warmup",   "0",   "--peers", "none",
                   "--reference", "mlx-gcn", "--timing",  "dispatch", "--out",      out_});
  if (r.exit_code == 2 && r.stderr_tail.find("cora") != std::string::npos)
    GTEST_SKIP() << "Cora not available: " << r.stderr_tail;
  ASSERT_TRUE(r.succeeded()) << r.describe_failure(0) << "\n" << r.stderr_tail;
  const auto rows = read_results_jsonl(out_ + "/results.jsonl");
  int references = 0, measured = 0;
  for (const auto& row : rows) {
    if (row["status"] == "reference") {
      ++references;
      EXPECT_TRUE(row["speedup"].is_null()) << row.dump();
      EXPECT_NE(row["source"].get<std::string>().find("TristanBilot/mlx-GCN"), std::string::npos);
      EXPECT_EQ(row["layers"], 3);
    }
    if (row["status"] == "ok") {
      ++measured;
      EXPECT_NE(row["timing"], "dispatch") << row["label"];
    }
  }
  EXPECT_EQ(references, 13);
  EXPECT_EQ(measured, 1);
  EXPECT_EQ(rows.front()["status"], "ok");  // measured rows first
  const std::string report = read_file(out_ + "/report.md");
  EXPECT_NE(report.find("torch-dense (published: Tesla V100 (NVLink); dispatch time)"), std::string::npos) << report;
  EXPECT_NE(report.find("not measured here"), std::string::npos) << report;
  const std::string csv = read_file(out_ + "/results.csv");
  EXPECT_NE(csv.find(",reference,"), std::string::npos);
  std::string stdout_text;
  for (const auto& line : r.stdout_lines) stdout_text += line + "\n";
  EXPECT_NE(stdout_text.find("3.510"), std::string::npos) << stdout_text;  // the V100 NVLink figure
  if (has_module("matplotlib")) {
    EXPECT_TRUE(std::filesystem::exists(out_ + "/chart.png"));
  }
}

// The published figures are Cora's: on another graph none are added, and bench says so.
TEST_F(BenchEndToEnd, PublishedFiguresAreAddedToCoraOnly) {
  const ProcessResult r =
      run_process({binary(), "bench", "--synthetic", kGraph, "--backends", "cpu-ref", "--runs", "1", "--epochs", "2",
                   "--warmup", "0", "--peers", "none", "--reference", "mlx-gcn", "--out", out_});
  ASSERT_TRUE(r.succeeded()) << r.stderr_tail;
  EXPECT_NE(r.stderr_tail.find("none added here"), std::string::npos) << r.stderr_tail;
  for (const auto& row : read_results_jsonl(out_ + "/results.jsonl")) EXPECT_NE(row["status"], "reference");
  EXPECT_NE(read_file(out_ + "/report.md").find("none added here"), std::string::npos);
}

TEST_F(BenchEndToEnd, UnknownReferenceOrTimingStopsBeforeRunning) {
  for (const auto& flags : {std::vector<std::string>{"--reference", "mlx"}, {"--timing", "sync"}}) {
    std::vector<std::string> argv = {binary(), "bench",    "--synthetic", kGraph,    "--backends", "cpu-ref", "--runs",
                                     "1",      "--epochs", "2",           "--peers", "none",       "--out",   out_};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const ProcessResult r = run_process(argv);
    EXPECT_EQ(r.exit_code, 2) << flags[0] << ": " << r.stderr_tail;
    EXPECT_NE(r.stderr_tail.find(flags[0]), std::string::npos) << r.stderr_tail;
    EXPECT_FALSE(std::filesystem::exists(out_ + "/results.jsonl"));
  }
}

// --force replaces the whole previous set (no old chart or log beside new results) and deletes
// nothing it did not write; a directory another gcnbench is writing is refused.
TEST_F(BenchEndToEnd, ForceReplacesTheWholeSetAndALockedDirectoryIsRefused) {
  std::filesystem::create_directories(out_ + "/problems/old");
  for (const char* name : {"chart.png", "chart.svg", "stderr.log", "report.md"})
    std::ofstream(out_ + "/" + name) << "OLD";
  std::ofstream(out_ + "/notes.txt") << "mine";
  const std::vector<std::string> argv = {binary(),  "bench", "--synthetic", kGraph, "--backends", "cpu-ref",
                                         "--runs",  "1",     "--epochs",    "2",    "--warmup",   "0",
                                         "--peers", "none",  "--out",       out_};
  std::vector<std::string> forced = argv;
  forced.push_back("--force");
  const ProcessResult r = run_process(forced);
  ASSERT_TRUE(r.succeeded()) << r.stderr_tail;
  EXPECT_EQ(read_file(out_ + "/notes.txt"), "mine");
  EXPECT_FALSE(std::filesystem::exists(out_ + "/problems/old"));
  for (const char* name : {"chart.png", "chart.svg", "stderr.log", "report.md"})
    if (std::filesystem::exists(out_ + "/" + name)) {
      EXPECT_NE(read_file(out_ + "/" + name), "OLD") << name << " survived --force";
    }

  // Another process holds the directory: refused at once, nothing written.
  const int fd = ::open((out_ + "/.gcnbench-lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const ProcessResult locked = run_process(forced);
  ::close(fd);
  EXPECT_EQ(locked.exit_code, 2);
  EXPECT_NE(locked.stderr_tail.find("another gcnbench is writing"), std::string::npos) << locked.stderr_tail;
}

// True while some process's command line holds `word` as one of its arguments.
bool some_process_has_argument(const std::string& word) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    try {
      cmdline = read_file(entry.path().string() + "/cmdline");
    } catch (const Error&) {
      continue;  // gone meanwhile, or not readable
    }
    size_t start = 0;
    for (size_t end; (end = cmdline.find('\0', start)) != std::string::npos; start = end + 1)
      if (cmdline.compare(start, end - start, word) == 0) return true;
  }
  return false;
}

// SIGTERM to bench: the run in progress is stopped (no orphan left running), the runs measured
// so far are written, the directory is marked INCOMPLETE, and the exit status says a signal.
TEST_F(BenchEndToEnd, SigtermKeepsTheMeasuredRunsAndLeavesNoChild) {
  const std::string epochs = "1997";  // a word no other process has, to find the children by
  const std::vector<std::string> argv = {binary(),   "bench", "--synthetic", kGraph, "--backends", "cpu-ref",
                                         "--peers",  "none",  "--runs",      "200",  "--epochs",   epochs,
                                         "--warmup", "0",     "--out",       out_};
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  // Wait for the first completed run (its lines reach stderr.log's footer), then stop bench.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string log;
    try {
      log = read_file(out_ + "/stderr.log");
    } catch (const Error&) {
    }
    if (log.find("==== ok") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  EXPECT_FALSE(some_process_has_argument(epochs)) << "a child of the interrupted bench is still running";
  EXPECT_NE(read_file(out_ + "/INCOMPLETE").find("interrupted by signal 15"), std::string::npos);
  const auto rows = read_results_jsonl(out_ + "/results.jsonl");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["status"], "ok");
  EXPECT_GE(rows[0]["runs"].get<int>(), 1);
  EXPECT_LT(rows[0]["runs"].get<int>(), 200);
  EXPECT_NE(read_file(out_ + "/report.md").find("incomplete"), std::string::npos);
}

TEST_F(BenchEndToEnd, BadModelFlagStopsBeforeRunning) {
  const ProcessResult r =
      run_process({binary(), "bench", "--synthetic", kGraph, "--backends", "cpu-ref", "--runs", "1", "--epochs", "2",
                   "--warmup", "0", "--peers", "none", "--hidden", "0", "--out", out_});
  // --hidden 0 is rejected before anything runs: model flags are checked by bench itself.
  EXPECT_EQ(r.exit_code, 2) << r.stderr_tail;
  EXPECT_FALSE(std::filesystem::exists(out_ + "/results.jsonl"));
}

TEST_F(BenchEndToEnd, AChildTimingOutIsAFailedRowNotACrash) {
  const ProcessResult timed =
      run_process({binary(), "bench", "--synthetic", kGraph, "--backends", "cpu-ref", "--runs", "1", "--epochs",
                   "200000", "--warmup", "0", "--peers", "none", "--timeout", "1", "--out", out_});
  // The failed row makes bench fail, after every file was written.
  ASSERT_EQ(timed.exit_code, 1) << timed.stderr_tail;
  EXPECT_NE(timed.stderr_tail.find("1 row failed"), std::string::npos) << timed.stderr_tail;
  const auto rows = read_results_jsonl(out_ + "/results.jsonl");
  bool found = false;
  for (const auto& row : rows)
    if (row["label"] == "gcnbench-cpu-ref/cpu/dense") {
      found = true;
      EXPECT_EQ(row["status"], "failed");
      EXPECT_NE(row["reason"].get<std::string>().find("timed out"), std::string::npos) << row.dump();
    }
  EXPECT_TRUE(found);
}

TEST_F(BenchEndToEnd, VerifyAgainstTorchPasses) {
  if (!has_module("torch")) GTEST_SKIP() << "no Python with torch";
  const ProcessResult r =
      run_process({binary(), "verify", "--peer", "torch", "--synthetic", kGraph, "--backends", "cpu-ref"});
  std::string text;
  for (const auto& line : r.stdout_lines) text += line + "\n";
  EXPECT_EQ(r.exit_code, 0) << text << r.stderr_tail;
  EXPECT_NE(text.find("PASS  cpu-ref"), std::string::npos) << text;
}

}  // namespace
}  // namespace gcn
