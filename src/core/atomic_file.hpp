// Results files are written atomically: to a temporary file beside the target, then renamed,
// so a reader (or a crash) never sees half a file. Only a regular file at the path is replaced.
#pragma once

#include <string>

namespace gcn {

void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace gcn
