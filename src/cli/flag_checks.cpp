#include "cli/flag_checks.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace gcn::cli {
namespace {

std::string number_text(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string s = std::to_string(x);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
    const bool dot = s.back() == '.';
    s.pop_back();
    if (dot) break;
  }
  return s;
}

}  // namespace

CLI::Validator finite_in(double lo, double hi, bool lo_open, bool hi_open) {
  const std::string range = std::string(lo_open ? "(" : "[") + number_text(lo) + ", " + number_text(hi) +
                            (hi_open ? ")" : "]");
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double x = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size())
          return "'" + text + "' is not a number (expected a finite number in " + range + ")";
        if (!std::isfinite(x)) return "'" + text + "' is not finite (expected a number in " + range + ")";
        if (x < lo || x > hi || (lo_open && x == lo) || (hi_open && x == hi))
          return "'" + text + "' is outside " + range;
        return {};
      },
      "NUMBER in " + range);
}

CLI::Validator integer_in(int64_t lo, int64_t hi) {
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        int64_t x = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
          return "'" + text + "' is not a whole number (expected one in " + range + ")";
        if (ec == std::errc::result_out_of_range || x < lo || x > hi) return "'" + text + "' is outside " + range;
        return {};
      },
      "INT in " + range);
}

CLI::Validator non_empty_path() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text.empty() ? "an empty path (an unset shell variable?) names no file" : std::string();
      },
      "PATH");
}

}  // namespace gcn::cli
