// Reading and writing files, the one way every input and result goes: only regular files are
// read (a FIFO must not block, /dev/zero must not be read until memory runs out) and only
// regular files are replaced by an atomic write (never a link or a FIFO someone put there).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/read_file.hpp"
#include "data/data_test_util.hpp"

namespace gcn {
namespace {

using testing::TempDir;

TEST(ReadFile, ReadsARegularFileWhole) {
  TempDir dir;
  dir.write("a.txt", std::string("line\0with nul\n", 14));
  EXPECT_EQ(read_file(dir.file("a.txt")), std::string("line\0with nul\n", 14));
  dir.write("empty.txt", "");
  EXPECT_EQ(read_file(dir.file("empty.txt")), "");
}

TEST(ReadFile, RefusesAFifoWithoutBlocking) {
  TempDir dir;
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_ERROR_WITH(read_file(fifo), fifo, "not a regular file");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ReadFile, RefusesDevicesDirectoriesAndMissingFiles) {
  TempDir dir;
  EXPECT_ERROR_WITH(read_file("/dev/zero"), "/dev/zero", "not a regular file");
  EXPECT_ERROR_WITH(read_file(dir.path()), dir.path(), "is a directory");
  EXPECT_ERROR_WITH(read_file(dir.file("absent")), dir.file("absent"), "cannot open");
}

TEST(WriteFileAtomically, ReplacesARegularFileOnly) {
  TempDir dir;
  dir.write("r.txt", "old");
  write_file_atomically(dir.file("r.txt"), "new");
  EXPECT_EQ(read_file(dir.file("r.txt")), "new");

  dir.write("target.txt", "keep me");
  const std::string link = dir.file("link.txt");
  std::filesystem::create_symlink(dir.file("target.txt"), link);
  EXPECT_ERROR_WITH(write_file_atomically(link, "x"), link, "not a regular file");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(read_file(dir.file("target.txt")), "keep me");

  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_ERROR_WITH(write_file_atomically(fifo, "x"), fifo, "not a regular file");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  // Nothing left behind by the refusals.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 4);  // r.txt, target.txt, link.txt, pipe: no temporary left behind
}

}  // namespace
}  // namespace gcn
