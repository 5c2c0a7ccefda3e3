#include "core/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/memory.hpp"

namespace gcn {

std::string read_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one; on a
  // regular file it changes nothing.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) fail(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) fail(path + ": cannot read: " + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) fail(path + ": cannot read: is a directory");
  if (!S_ISREG(info.st_mode)) fail(path + ": cannot read: not a regular file (a FIFO, socket or device)");
  std::string text;
  text.resize(checked_element_count(static_cast<int64_t>(info.st_size), 1, 1, path));
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;  // the file shrank while being read
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace gcn
