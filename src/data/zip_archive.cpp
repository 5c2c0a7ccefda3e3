#include "data/zip_archive.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/memory.hpp"

namespace gcn {
namespace {

std::string open_error(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)) {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) fail(path_ + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path_ + ": cannot read: not a regular file");
  int code = 0;
  archive_ = zip_open(path_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!archive_) fail(path_ + ": not a readable zip archive (.npz): " + open_error(code));
  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
    names_.emplace_back(name ? name : "");
  }
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

bool ZipArchive::has(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

std::string ZipArchive::read(const std::string& name) const {
  const std::string where = path_ + ": member " + name;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive_, name.c_str(), 0, &stat) != 0) fail(where + ": not in the archive");
  if (!(stat.valid & ZIP_STAT_SIZE)) fail(where + ": the archive gives no size");
  // Half the memory available: the loader still has to convert what this returns.
  const uint64_t limit = available_memory_bytes() / 2;
  if (stat.size > limit)
    fail(where + ": " + format_bytes(stat.size) + " uncompressed, more than " + format_bytes(limit) +
         ", half the memory available");
  zip_file_t* file = zip_fopen(archive_, name.c_str(), 0);
  if (!file) fail(where + ": cannot open: " + zip_strerror(archive_));
  std::string bytes(static_cast<size_t>(stat.size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const zip_int64_t got = zip_fread(file, bytes.data() + done, bytes.size() - done);
    if (got < 0) {
      const std::string why = zip_file_strerror(file);
      zip_fclose(file);
      fail(where + ": cannot decompress: " + why);
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  // One more read reaches the end of the stream, where libzip checks the CRC.
  char extra = 0;
  const zip_int64_t tail = done == bytes.size() ? zip_fread(file, &extra, 1) : 0;
  const std::string why = tail < 0 ? zip_file_strerror(file) : "";
  zip_fclose(file);
  if (done != bytes.size())
    fail(where + ": truncated (" + std::to_string(done) + " of " + std::to_string(bytes.size()) + " bytes)");
  if (tail != 0) fail(where + (tail < 0 ? ": cannot decompress: " + why : ": longer than the archive says"));
  return bytes;
}

}  // namespace gcn
