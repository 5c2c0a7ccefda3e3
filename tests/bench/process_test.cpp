// The child-process runner: stdout lines, exit status, stderr tail and log, timeout, missing program.
#include <gtest/gtest.h>

#include <filesystem>

#include "bench/process.hpp"
#include "core/atomic_file.hpp"
#include "core/read_file.hpp"

namespace gcn {
namespace {

TEST(Process, CapturesStdoutLinesAndExitStatus) {
  const auto r = run_process({"sh", "-c", "echo one; echo two; printf three; echo oops >&2; exit 4"});
  ASSERT_FALSE(r.spawn_failed) << r.error;
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_FALSE(r.succeeded());
  EXPECT_EQ(r.stdout_lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r.stderr_tail, "oops\n");
  EXPECT_EQ(r.describe_failure(0), "exit status 4");
}

TEST(Process, StderrGoesToTheLog) {
  const std::string log = testing::TempDir() + "/process_test_stderr.log";
  std::filesystem::remove(log);
  ProcessOptions options;
  options.stderr_log = log;
  EXPECT_TRUE(run_process({"sh", "-c", "echo to-the-log >&2"}, options).succeeded());
  const std::string text = read_file(log);
  EXPECT_NE(text.find("to-the-log"), std::string::npos) << text;
  EXPECT_NE(text.find("==== ok"), std::string::npos) << text;
}

TEST(Process, TimeoutKillsTheChildAndItsChildren) {
  ProcessOptions options;
  options.timeout_s = 0.5;
  const auto r = run_process({"sh", "-c", "sleep 30 & sleep 30"}, options);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.succeeded());
  EXPECT_LT(r.wall_ms, 10000);
}

TEST(Process, MissingProgramIsAResultNotAnException) {
  const auto r = run_process({"gcnbench-no-such-program-xyz"});
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_NE(r.describe_failure(0).find("cannot start"), std::string::npos);
}

TEST(Process, ShellQuote) {
  EXPECT_EQ(shell_quote({"a", "b c", "it's", "--x=1,2"}), "a 'b c' 'it'\\''s' --x=1,2");
}

}  // namespace
}  // namespace gcn
