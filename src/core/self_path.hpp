// The running program's own file, for commands that start copies of gcnbench (bench, verify) and
// for finding what was installed beside it (the cuda backend's module).
#pragma once

#include <filesystem>

namespace gcn {

// The path of this process's executable (/proc/self/exe). Throws gcn::Error when it cannot be read.
std::filesystem::path self_executable();

}  // namespace gcn
