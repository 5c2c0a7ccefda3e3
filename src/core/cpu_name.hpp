// The host CPU's model name, as /proc/cpuinfo gives it.
#pragma once

#include <string>

namespace gcn {

// "AMD EPYC 9B45 96-Core Processor"; empty when /proc/cpuinfo has no model name.
std::string host_cpu_name();

}  // namespace gcn
