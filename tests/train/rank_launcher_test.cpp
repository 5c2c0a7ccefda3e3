// The launcher of `train --gpus N` (train/rank_launcher.hpp) on the host, with /bin/sh as the
// ranks: every rank gets its rank, the group size and one shared rendezvous file; only rank 0
// keeps stdout; one failing rank stops the others and its exit status is the launch's.
#include "train/rank_launcher.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"

namespace gcn {
namespace {

std::string fresh_dir() {
  const auto dir = std::filesystem::temp_directory_path() / ("gcnbench-launcher-test-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(RankLauncher, EveryRankSeesItsRankTheSizeAndOneRendezvous) {
  const std::string dir = fresh_dir();
  const std::string script =
      "echo \"$GCNBENCH_RANK $GCNBENCH_WORLD_SIZE $GCNBENCH_RENDEZVOUS\" > " + dir + "/rank.$GCNBENCH_RANK";
  ASSERT_EQ(launch_ranks("/bin/sh", {"-c", script}, 3), 0);
  std::string rendezvous;
  for (int r = 0; r < 3; ++r) {
    std::istringstream line(contents(dir + "/rank." + std::to_string(r)));
    int rank = -1, size = -1;
    std::string path;
    line >> rank >> size >> path;
    EXPECT_EQ(rank, r);
    EXPECT_EQ(size, 3);
    if (r == 0) rendezvous = path;
    EXPECT_EQ(path, rendezvous) << "ranks were given different rendezvous files";
  }
  EXPECT_FALSE(rendezvous.empty());
  // The private directory of the rendezvous is gone after the launch.
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(rendezvous).parent_path()));
}

TEST(RankLauncher, OnlyRankZeroWritesToStdout) {
  const std::string dir = fresh_dir();
  const std::string out = dir + "/stdout";
  // The launch's stdout is this shell's, redirected to a file.
  const std::string script = "echo rank $GCNBENCH_RANK";
  const int saved = dup(STDOUT_FILENO);
  FILE* file = std::fopen(out.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fflush(stdout);
  dup2(fileno(file), STDOUT_FILENO);
  const int code = launch_ranks("/bin/sh", {"-c", script}, 4);
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::fclose(file);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(contents(out), "rank 0\n");
}

TEST(RankLauncher, AFailingRankStopsTheOthersAndGivesItsStatus) {
  const std::string script = "if [ \"$GCNBENCH_RANK\" = 1 ]; then exit 7; fi; sleep 60";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(launch_ranks("/bin/sh", {"-c", script}, 3), 7);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30))
      << "the sleeping ranks were not stopped";
}

TEST(RankLauncher, AProgramThatCannotStartIsAnError) {
  EXPECT_THROW(launch_ranks("/nonexistent/gcnbench", {}, 2), Error);
}

// Sets the three variables for one test and restores the environment after it.
class RankVariables : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv(kRankVariable);
    unsetenv(kWorldSizeVariable);
    unsetenv(kRendezvousVariable);
  }
};

TEST_F(RankVariables, AbsentMeansNotARank) { EXPECT_FALSE(rank_environment().has_value()); }

TEST_F(RankVariables, AreReadBack) {
  setenv(kRankVariable, "2", 1);
  setenv(kWorldSizeVariable, "4", 1);
  setenv(kRendezvousVariable, "/tmp/x/nccl-id", 1);
  const auto env = rank_environment();
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(env->rank, 2);
  EXPECT_EQ(env->world_size, 4);
  EXPECT_EQ(env->rendezvous, "/tmp/x/nccl-id");
}

TEST_F(RankVariables, MalformedOrIncompleteOnesAreErrorsNamingTheVariable) {
  setenv(kRankVariable, "1", 1);
  try {
    rank_environment();
    FAIL() << "a rank without a world size was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(kWorldSizeVariable), std::string::npos) << e.what();
  }
  setenv(kWorldSizeVariable, "2", 1);
  setenv(kRendezvousVariable, "/tmp/x", 1);
  setenv(kRankVariable, "two", 1);
  EXPECT_THROW(rank_environment(), Error);
  setenv(kRankVariable, "2", 1);  // rank 2 of 2
  EXPECT_THROW(rank_environment(), Error);
}

}  // namespace
}  // namespace gcn
