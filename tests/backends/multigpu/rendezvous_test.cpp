// The rendezvous file through which rank 0 hands the NCCL group id to the other ranks
// (backends/multigpu/rendezvous.hpp): the bytes arrive whole, a missing file times out naming
// it, a file of the wrong size is refused.
#include "backends/multigpu/rendezvous.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

std::string fresh_path(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() / ("gcnbench-rendezvous-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

TEST(Rendezvous, ThePublishedBytesArriveWholeIncludingZeros) {
  const std::string path = fresh_path("id");
  std::string id(128, '\0');
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<char>((i * 37) % 256);
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the reader waits first
    publish_rendezvous(path, id);
  });
  const std::string got = await_rendezvous(path, id.size(), 10);
  publisher.join();
  EXPECT_EQ(got, id);
}

TEST(Rendezvous, AMissingFileTimesOutNamingIt) {
  const std::string path = fresh_path("never");
  const auto start = std::chrono::steady_clock::now();
  try {
    await_rendezvous(path, 128, 0.2);
    FAIL() << "a file that never appeared was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rank 0"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Rendezvous, AFileOfTheWrongSizeIsRefused) {
  const std::string path = fresh_path("short");
  std::ofstream(path) << "not an id";
  try {
    await_rendezvous(path, 128, 1);
    FAIL() << "a 9-byte id was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("9 bytes"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gcn::multigpu
