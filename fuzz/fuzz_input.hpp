// What every harness shares: the bytes of one input written to files in a directory of this
// process (the parsers read files, as gcnbench does), and the one outcome a parser may have
// besides success: gcn::Error. Any other exception, a crash, a leak or undefined behaviour is a
// finding (libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer; docs/fuzzing.md).
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace gcn::fuzz {

inline const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("gcnbench-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline std::string write_file(const std::string& name, std::string_view bytes) {
  const auto path = work_dir() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

// The input cut at each "\n@@\n" into up to `parts` pieces (missing pieces are empty), so one
// input can be a whole multi-file dataset; seeds are written that way (scripts/fuzz).
inline std::vector<std::string_view> split_parts(const uint8_t* data, size_t size, size_t parts) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    const size_t cut = rest.find("\n@@\n");
    if (cut == std::string_view::npos) break;
    out.push_back(rest.substr(0, cut + 1));
    rest.remove_prefix(cut + 4);
  }
  out.push_back(rest);
  while (out.size() < parts) out.emplace_back();
  return out;
}

template <typename F>
void expect_only_gcn_errors(F&& parse) {
  try {
    parse();
  } catch (const Error&) {
    // the one allowed way to refuse an input
  }
}

}  // namespace gcn::fuzz
