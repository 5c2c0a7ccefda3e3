#include "backends/multigpu/rendezvous.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/read_file.hpp"

namespace gcn::multigpu {

void publish_rendezvous(const std::string& path, const std::string& bytes) { write_file_atomically(path, bytes); }

std::string await_rendezvous(const std::string& path, size_t size, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::error_code ec;
  while (!std::filesystem::exists(path, ec)) {
    if (std::chrono::steady_clock::now() >= deadline)
      fail("rendezvous: " + path + " did not appear within " + std::to_string(static_cast<int>(timeout_s)) +
           " s (rank 0 failed before publishing the group's id, or the ranks were given different files)");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string bytes = read_file(path);
  if (bytes.size() != size)
    fail("rendezvous: " + path + " holds " + std::to_string(bytes.size()) + " bytes; a group id has " +
         std::to_string(size));
  return bytes;
}

}  // namespace gcn::multigpu
