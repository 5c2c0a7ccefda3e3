// A whole gzip file (or a plain one: zlib reads those as they are), decompressed into memory,
// for the loaders of formats that ship compressed (OGB's csv.gz files).
#pragma once

#include <string>

namespace gcn {

// Throws gcn::Error naming the path when it cannot be opened, is corrupt or truncated, or would
// decompress past the memory available.
std::string read_gzip_file(const std::string& path);

}  // namespace gcn
