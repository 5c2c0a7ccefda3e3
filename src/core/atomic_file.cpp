#include "core/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace gcn {

void write_file_atomically(const std::string& path, const std::string& contents) {
  // The rename below would replace whatever is at `path`: only a regular file (an earlier
  // result) may be replaced, never a link, a FIFO or a device someone put there.
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode))
    fail(path + ": exists and is not a regular file (a link, directory, FIFO or device); not replacing it");
  const std::string temp = path + ".tmp-" + std::to_string(getpid());
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) fail("cannot write " + temp + ": " + std::strerror(errno));
  const bool written = std::fwrite(contents.data(), 1, contents.size(), file) == contents.size();
  const bool flushed = std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    std::remove(temp.c_str());
    fail("cannot write " + path + ": " + std::strerror(errno));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    fail("cannot rename " + temp + " to " + path + ": " + reason);
  }
}

}  // namespace gcn
