#include "data/text_reader.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace gcn::detail {

std::string read_whole_file(const std::string& path) {
  // C stdio rather than iostreams: one fread of the known size, and errno for the message.
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) fail(path + ": cannot open: " + std::strerror(errno));
  std::string text;
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    if (size > 0) text.reserve(static_cast<size_t>(size));
    std::rewind(file.get());
  }
  char buffer[1 << 16];
  for (;;) {
    const size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get())) fail(path + ": cannot read: " + std::strerror(errno));
  return text;
}

}  // namespace gcn::detail
