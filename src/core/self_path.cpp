#include "core/self_path.hpp"

#include <system_error>

#include "core/error.hpp"

namespace gcn {

std::filesystem::path self_executable() {
  std::error_code ec;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) fail("cannot find this program's path (/proc/self/exe): " + ec.message());
  return path;
}

}  // namespace gcn
