// Helpers for the data-layer tests: a temporary directory that removes itself, file writing,
// the location of the shared datasets, and a check that an error names a file and line.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace gcn::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("gcnbench-data-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  void write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories((path_ / name).parent_path());
    std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << "cannot write " << (path_ / name);
  }

 private:
  std::filesystem::path path_;
};

// $GCNBENCH_SHARED_DATA/<name>, else <repo>/../shared/data/<name>; empty when missing.
inline std::string shared_data_dir(const std::string& name) {
  const char* env = std::getenv("GCNBENCH_SHARED_DATA");
  const std::string root = env && *env ? env : std::string(GCNBENCH_SOURCE_DIR) + "/../shared/data";
  const std::string dir = root + "/" + name;
  return std::filesystem::is_regular_file(dir + "/meta.txt") ? dir : std::string();
}

// Runs `body`, expects a gcn::Error whose message contains every one of `parts`.
#define EXPECT_ERROR_WITH(body, ...)                                                        \
  do {                                                                                      \
    try {                                                                                   \
      body;                                                                                 \
      ADD_FAILURE() << "expected gcn::Error from " #body;                                   \
    } catch (const gcn::Error& e) {                                                         \
      for (const std::string& part : std::initializer_list<std::string>{__VA_ARGS__}) \
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos)                      \
            << "error message \"" << e.what() << "\" lacks \"" << part << "\"";             \
    }                                                                                       \
  } while (0)

}  // namespace gcn::testing
