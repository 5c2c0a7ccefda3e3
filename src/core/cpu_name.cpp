#include "core/cpu_name.hpp"

#include <fstream>

namespace gcn {

std::string host_cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("model name")) {
      const size_t first = line.find_first_not_of(" \t", line.find(':') + 1);
      const size_t last = line.find_last_not_of(" \t\r\n");
      return first == std::string::npos ? "" : line.substr(first, last - first + 1);
    }
  return "";
}

}  // namespace gcn
