// The one error type of gcnbench. Library code throws it with enough context for a user to fix
// the input (file and line, or the limit that was hit and the way around it); the CLI prints
// the message and exits with status 2.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gcn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "path:line: message", the form compilers use, so editors can jump to the spot.
[[noreturn]] inline void fail_at(const std::string& path, int64_t line, const std::string& message) {
  throw Error(path + ":" + std::to_string(line) + ": " + message);
}

[[noreturn]] inline void fail(const std::string& message) { throw Error(message); }

}  // namespace gcn
