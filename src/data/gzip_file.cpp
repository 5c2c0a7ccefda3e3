#include "data/gzip_file.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/memory.hpp"

namespace gcn {

std::string read_gzip_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) fail(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path + ": cannot read: not a regular file");
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) fail(path + ": cannot open: " + std::strerror(errno));
  // Half the memory available: the loader still has to parse what this returns.
  const uint64_t limit = available_memory_bytes() / 2;
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const int got = gzread(file, buffer, sizeof buffer);
    if (got < 0) {
      int code = 0;
      const std::string why = gzerror(file, &code);
      gzclose_r(file);
      fail(path + ": cannot decompress: " + why);
    }
    if (got == 0) break;
    if (text.size() + static_cast<size_t>(got) > limit) {
      gzclose_r(file);
      fail(path + ": decompresses to more than " + format_bytes(limit) + ", half the memory available");
    }
    text.append(buffer, static_cast<size_t>(got));
  }
  // Z_BUF_ERROR here: the file ended in the middle of a gzip stream.
  if (const int status = gzclose_r(file); status != Z_OK)
    fail(path + (status == Z_BUF_ERROR ? ": truncated (the gzip stream ends early)" : ": cannot decompress"));
  return text;
}

}  // namespace gcn
