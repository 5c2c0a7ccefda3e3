// A zip archive read through libzip (stored and deflated members, CRC checked): what an .npz file
// is. Members are read whole into memory, each checked against the memory available first.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct zip;

namespace gcn {

class ZipArchive {
 public:
  // Throws gcn::Error naming the path when it is missing, not a regular file or not a zip archive.
  explicit ZipArchive(std::string path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<std::string>& names() const { return names_; }
  bool has(const std::string& name) const;
  // The uncompressed bytes of member `name`; throws gcn::Error naming the archive and member when
  // it is absent, corrupt, truncated or larger than half the memory available.
  std::string read(const std::string& name) const;

 private:
  std::string path_;
  zip* archive_ = nullptr;
  std::vector<std::string> names_;
};

}  // namespace gcn
