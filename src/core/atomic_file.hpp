// Results files are written atomically: to a temporary file beside the target, then renamed,
// so a reader (or a crash) never sees half a file.
#pragma once

#include <string>

namespace gcn {

void write_file_atomically(const std::string& path, const std::string& contents);
std::string read_file(const std::string& path);

}  // namespace gcn
