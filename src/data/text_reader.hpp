// Line-by-line reading of a whole input file for the loaders: one read into memory, then
// std::from_chars on string_views, so Cora parses in a few milliseconds. Every complaint goes
// through fail(), which prefixes "path:line: " (line 1-based, the line just returned).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>

#include "core/error.hpp"
#include "core/read_file.hpp"

namespace gcn::detail {

class TextReader {
 public:
  explicit TextReader(std::string path) : path_(std::move(path)), text_(read_file(path_)) {}
  // Text already in memory (a decompressed file), named `path` in messages.
  TextReader(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {}

  const std::string& path() const { return path_; }
  int64_t line_number() const { return line_; }
  size_t size_bytes() const { return text_.size(); }
  // The whole file; string_views handed out by next_line() point into it.
  const std::string& text() const { return text_; }

  // Next line without its '\n' (a trailing '\r' is dropped too); false at the end. A final line
  // without '\n' still counts as a line.
  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const size_t end = text_.find('\n', pos_);
    const size_t stop = end == std::string::npos ? text_.size() : end;
    line = std::string_view(text_).substr(pos_, stop - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end == std::string::npos ? text_.size() : end + 1;
    ++line_;
    return true;
  }

  bool at_end() const { return pos_ >= text_.size(); }

  [[noreturn]] void fail(const std::string& message) const { fail_at(path_, line_, message); }

 private:
  std::string path_;
  std::string text_;
  size_t pos_ = 0;
  int64_t line_ = 0;
};

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Splits a line into whitespace-separated fields, one at a time.
class Fields {
 public:
  explicit Fields(std::string_view line) : rest_(line) {}

  bool next(std::string_view& field) {
    size_t i = 0;
    while (i < rest_.size() && is_blank(rest_[i])) ++i;
    if (i == rest_.size()) {
      rest_ = {};
      return false;
    }
    size_t j = i;
    while (j < rest_.size() && !is_blank(rest_[j])) ++j;
    field = rest_.substr(i, j - i);
    rest_ = rest_.substr(j);
    return true;
  }

  bool empty() const {
    for (char c : rest_)
      if (!is_blank(c)) return false;
    return true;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// Quotes a field for an error message, shortened so a megabyte of garbage stays readable.
// Bytes that are not printable ASCII are shown as \xNN, so binary garbage (a NUL byte) cannot
// cut the message short or garble a terminal.
inline std::string quoted(std::string_view field) {
  constexpr size_t max_shown = 40;
  static const char hex[] = "0123456789abcdef";
  std::string s = "'";
  for (const char ch : field.substr(0, max_shown)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      s += ch;
    } else {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  if (field.size() > max_shown) s += "...";
  return s + "'";
}

// The whole field must be a decimal integer in int64 range (no '+', no trailing characters).
inline bool parse_int(std::string_view field, int64_t& value) {
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, value);
  return ec == std::errc() && ptr == end;
}

// The whole field must be a finite decimal floating-point number.
inline bool parse_finite_double(std::string_view field, double& value) {
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

// Reads the next field of `fields` as an integer in [lo, hi]; `what` names it in the error.
inline int64_t expect_int(const TextReader& reader, Fields& fields, const char* what, int64_t lo, int64_t hi) {
  std::string_view field;
  if (!fields.next(field)) reader.fail(std::string("missing ") + what);
  int64_t value = 0;
  if (!parse_int(field, value)) reader.fail(std::string(what) + " " + quoted(field) + " is not an integer");
  if (value < lo || value > hi)
    reader.fail(std::string(what) + " " + std::to_string(value) + " is out of range [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "]");
  return value;
}

inline void expect_end(const TextReader& reader, const Fields& fields, const char* after) {
  std::string_view extra;
  Fields copy = fields;
  if (copy.next(extra)) reader.fail("unexpected " + quoted(extra) + " after " + after);
}

// One feature entry of a line: `id` (value 1.0) or `id:value` (the text format's features.txt,
// the edge-list format's features.txt). The id must be in [0, features).
struct FeatureEntry {
  int64_t id = 0;
  float value = 1.0f;
  bool has_value = false;
};

inline FeatureEntry parse_feature_entry(const TextReader& reader, std::string_view entry, int64_t features) {
  FeatureEntry e;
  const size_t colon = entry.find(':');
  const std::string_view id = entry.substr(0, colon);
  if (!parse_int(id, e.id)) reader.fail("feature id " + quoted(id) + " is not an integer");
  if (e.id < 0 || e.id >= features)
    reader.fail("feature id " + std::to_string(e.id) + " is out of range [0, " + std::to_string(features - 1) + "]");
  if (colon == std::string_view::npos) return e;
  const std::string_view value = entry.substr(colon + 1);
  if (value.empty()) reader.fail("feature " + std::to_string(e.id) + ": missing value after ':'");
  double v = 0;
  if (!parse_finite_double(value, v))
    reader.fail("feature " + std::to_string(e.id) + ": value " + quoted(value) + " is not a finite number");
  if (std::abs(v) > std::numeric_limits<float>::max())
    reader.fail("feature " + std::to_string(e.id) + ": value " + quoted(value) + " is beyond float's range");
  e.value = static_cast<float>(v);
  e.has_value = true;
  return e;
}

// The feature entries left on a line, each passed to `add`; ids must be ascending (so unique).
template <typename Add>
void for_each_feature_entry(const TextReader& reader, Fields& fields, int64_t features, Add&& add) {
  std::string_view entry;
  int64_t previous = -1;
  while (fields.next(entry)) {
    const FeatureEntry e = parse_feature_entry(reader, entry, features);
    if (e.id <= previous)
      reader.fail("feature ids must be ascending: " + std::to_string(e.id) + " after " + std::to_string(previous));
    previous = e.id;
    add(e);
  }
}

}  // namespace gcn::detail
