#include "data/text_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/memory.hpp"

namespace gcn::detail {

std::string read_whole_file(const std::string& path) {
  // POSIX open/fstat/read: the size is known before reading, and a directory or a device is
  // refused instead of being read (ftell on a directory reports a huge size).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) fail(path + ": cannot read: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path + ": cannot read: not a regular file");
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

}  // namespace gcn::detail
