#include "data/npy.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/read_file.hpp"

namespace gcn {

static_assert(std::endian::native == std::endian::little, "the .npy reader and writer assume a little-endian host");

template <>
const char* npy_descr<int64_t>() {
  return "<i8";
}
template <>
const char* npy_descr<int32_t>() {
  return "<i4";
}
template <>
const char* npy_descr<float>() {
  return "<f4";
}
template <>
const char* npy_descr<double>() {
  return "<f8";
}
template <>
const char* npy_descr<uint8_t>() {
  return "|u1";
}

namespace {

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes, then major and minor version
constexpr size_t kMagicBytes = 8;       // magic and version; then the header length (2 or 4 bytes)

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

// Value of `'key': ` in the header dict: a quoted string, a parenthesised tuple or a bare word.
std::string_view dict_value(std::string_view header, std::string_view key, const std::string& source) {
  std::string needle(1, '\'');  // built piecewise: GCC 12 warns falsely (-Wrestrict) on "'" + string
  needle.append(key).append("':");
  const size_t at = header.find(needle);
  if (at == std::string_view::npos) fail(source + ": .npy header has no '" + std::string(key) + "'");
  size_t begin = at + needle.size();
  while (begin < header.size() && header[begin] == ' ') ++begin;
  size_t end = std::string_view::npos;
  if (begin < header.size() && header[begin] == '(') {
    end = header.find(')', begin);
    if (end != std::string_view::npos) ++end;
  } else if (begin < header.size() && header[begin] == '\'') {
    end = header.find('\'', begin + 1);
    if (end != std::string_view::npos) ++end;
  } else {
    end = header.find_first_of(",}", begin);
  }
  if (end == std::string_view::npos || end <= begin) fail(source + ": malformed .npy header");
  return header.substr(begin, end - begin);
}

std::vector<int64_t> parse_shape(std::string_view text, const std::string& source) {
  const auto malformed = [&] { fail(source + ": .npy shape " + std::string(text) + " is not a tuple of sizes"); };
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') malformed();
  std::string_view rest = text.substr(1, text.size() - 2);
  std::vector<int64_t> shape;
  for (;;) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    int64_t dim = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), dim);
    if (ec != std::errc() || dim < 0) malformed();
    shape.push_back(dim);
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;
    if (rest.front() != ',') malformed();
    rest.remove_prefix(1);
  }
  return shape;
}

template <typename T>
T element(const NpyArray& a, int64_t i) {
  T v;
  std::memcpy(&v, a.data.data() + static_cast<size_t>(i) * sizeof(T), sizeof(T));
  return v;
}

// Element `i` in C order, as double; `exact` is false where an int64 or uint64 loses digits.
double element_as_double(const NpyArray& a, int64_t i, bool& exact) {
  exact = true;
  switch (a.kind) {
    case 'f':
      return a.item_bytes == 4 ? element<float>(a, i) : element<double>(a, i);
    case 'b':
      return element<uint8_t>(a, i) != 0 ? 1.0 : 0.0;
    case 'i':
      switch (a.item_bytes) {
        case 1:
          return element<int8_t>(a, i);
        case 2:
          return element<int16_t>(a, i);
        case 4:
          return element<int32_t>(a, i);
        default: {
          const auto v = element<int64_t>(a, i);
          exact = std::abs(v) <= (int64_t{1} << 53);
          return static_cast<double>(v);
        }
      }
    default:
      switch (a.item_bytes) {
        case 1:
          return element<uint8_t>(a, i);
        case 2:
          return element<uint16_t>(a, i);
        case 4:
          return element<uint32_t>(a, i);
        default: {
          const auto v = element<uint64_t>(a, i);
          exact = v <= (uint64_t{1} << 53);
          return static_cast<double>(v);
        }
      }
  }
}

void check_numeric(const NpyArray& a, const std::string& source) {
  const bool sized = (a.kind == 'f' && (a.item_bytes == 4 || a.item_bytes == 8)) ||
                     ((a.kind == 'i' || a.kind == 'u') &&
                      (a.item_bytes == 1 || a.item_bytes == 2 || a.item_bytes == 4 || a.item_bytes == 8)) ||
                     (a.kind == 'b' && a.item_bytes == 1);
  if (!sized) fail(source + ": dtype '" + a.descr + "' is not read (bool, int8-64, uint8-64, float32 or float64)");
  if (a.descr[0] == '>') fail(source + ": dtype '" + a.descr + "' is big-endian; save it little-endian ('<')");
  if (a.fortran_order && a.shape.size() > 2)
    fail(source + ": Fortran-order arrays of more than 2 dimensions are not read");
}

// The position in memory of C-order element i (Fortran order stores columns first).
int64_t storage_index(const NpyArray& a, int64_t i) {
  if (!a.fortran_order || a.shape.size() < 2) return i;
  const int64_t rows = a.shape[0], cols = a.shape[1];
  return (i % cols) * rows + i / cols;
}

}  // namespace

int64_t NpyArray::count() const {
  int64_t n = 1;
  for (const int64_t d : shape) n *= d;
  return n;
}

NpyArray parse_npy(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kMagicBytes + 2 || std::memcmp(bytes.data(), kMagic, 6) != 0) fail(source + ": not a .npy file");
  const int major = static_cast<uint8_t>(bytes[6]);
  if (major < 1 || major > 3)
    fail(source + ": .npy format version " + std::to_string(major) + " (1.x to 3.x are read)");
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < kMagicBytes + length_bytes) fail(source + ": truncated .npy header");
  size_t header_len = 0;
  for (size_t b = 0; b < length_bytes; ++b)
    header_len |= static_cast<size_t>(static_cast<uint8_t>(bytes[kMagicBytes + b])) << (8 * b);
  const size_t data_start = kMagicBytes + length_bytes + header_len;
  if (bytes.size() < data_start) fail(source + ": truncated .npy header");
  const std::string_view header = bytes.substr(kMagicBytes + length_bytes, header_len);

  NpyArray a;
  const std::string_view descr = dict_value(header, "descr", source);
  if (descr.size() < 3 || descr.front() != '\'' || descr.back() != '\'')
    fail(source + ": .npy dtype " + std::string(descr) + " is not a simple type (structured arrays are not read)");
  a.descr = std::string(descr.substr(1, descr.size() - 2));
  a.kind = a.descr.size() >= 2 ? a.descr[1] : 0;
  const std::string_view fortran = dict_value(header, "fortran_order", source);
  if (fortran != "False" && fortran != "True") fail(source + ": .npy fortran_order is " + std::string(fortran));
  a.fortran_order = fortran == "True";
  a.shape = parse_shape(dict_value(header, "shape", source), source);
  a.data = bytes.substr(data_start);
  if (a.kind == 'O') return a;  // a pickle: nothing here reads its elements

  const std::string_view size_text = std::string_view(a.descr).substr(2);
  const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), a.item_bytes);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || a.item_bytes < 1)
    fail(source + ": .npy dtype '" + a.descr + "' has no element size");
  uint64_t count = 1;
  for (const int64_t d : a.shape) {
    if (d != 0 &&
        count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d) / static_cast<uint64_t>(a.item_bytes))
      fail(source + ": .npy shape " + shape_text(a.shape) + " is too large");
    count *= static_cast<uint64_t>(d);
  }
  if (count * static_cast<uint64_t>(a.item_bytes) != a.data.size())
    fail(source + ": the .npy header promises " + shape_text(a.shape) + " of '" + a.descr + "' (" +
         std::to_string(count * static_cast<uint64_t>(a.item_bytes)) + " bytes), the file holds " +
         std::to_string(a.data.size()) + " bytes of data");
  return a;
}

std::vector<double> npy_doubles(const NpyArray& a, const std::string& source) {
  check_numeric(a, source);
  std::vector<double> out(static_cast<size_t>(a.count()));
  for (int64_t i = 0; i < a.count(); ++i) {
    bool exact = true;
    out[i] = element_as_double(a, storage_index(a, i), exact);
    if (!std::isfinite(out[i])) fail(source + ": element " + std::to_string(i) + " is " + std::to_string(out[i]));
  }
  return out;
}

std::vector<int64_t> npy_integers(const NpyArray& a, const std::string& source) {
  check_numeric(a, source);
  std::vector<int64_t> out(static_cast<size_t>(a.count()));
  for (int64_t i = 0; i < a.count(); ++i) {
    const int64_t at = storage_index(a, i);
    if (a.kind == 'i' && a.item_bytes == 8) {
      out[i] = element<int64_t>(a, at);
      continue;
    }
    if (a.kind == 'u' && a.item_bytes == 8) {
      const auto v = element<uint64_t>(a, at);
      if (v > static_cast<uint64_t>(INT64_MAX)) fail(source + ": element " + std::to_string(i) + " is past int64");
      out[i] = static_cast<int64_t>(v);
      continue;
    }
    bool exact = true;
    const double v = element_as_double(a, at, exact);
    if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 9.0e18)
      fail(source + ": element " + std::to_string(i) + " (" + std::to_string(v) + ") is not a whole number");
    out[i] = static_cast<int64_t>(v);
  }
  return out;
}

template <typename T>
std::string npy_bytes(const std::vector<T>& data, const std::vector<int64_t>& shape_given) {
  const std::vector<int64_t> shape =
      shape_given.empty() ? std::vector<int64_t>{static_cast<int64_t>(data.size())} : shape_given;
  std::string header =
      std::string("{'descr': '") + npy_descr<T>() + "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // Pad with spaces so that magic + length + header + '\n' is a multiple of 64 bytes.
  const size_t unpadded = kMagicBytes + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  const auto header_len = static_cast<uint16_t>(header.size());
  std::string out(kMagic, 6);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header_len & 0xff);
  out += static_cast<char>(header_len >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));
  return out;
}

template <typename T>
void write_npy(const std::string& path, const std::vector<T>& data) {
  write_file_atomically(path, npy_bytes(data));
}

template <typename T>
std::vector<T> read_npy(const std::string& path) {
  // The whole file first (read_file refuses FIFOs and devices and knows the size), so that the
  // header's element count is checked against the bytes really there before it sizes anything.
  const std::string file = read_file(path);
  const NpyArray a = parse_npy(file, path);
  if (a.descr != npy_descr<T>()) fail(path + ": dtype '" + a.descr + "', expected '" + npy_descr<T>() + "'");
  if (a.fortran_order) fail(path + ": Fortran-order arrays are not read");
  if (a.shape.size() != 1) fail(path + ": shape " + shape_text(a.shape) + " is not one-dimensional");
  std::vector<T> data(static_cast<size_t>(a.count()));
  if (!data.empty()) std::memcpy(data.data(), a.data.data(), a.data.size());
  return data;
}

#define GCN_NPY_INSTANTIATE(T)                                                           \
  template std::string npy_bytes<T>(const std::vector<T>&, const std::vector<int64_t>&); \
  template void write_npy<T>(const std::string&, const std::vector<T>&);                 \
  template std::vector<T> read_npy<T>(const std::string&);
GCN_NPY_INSTANTIATE(int64_t)
GCN_NPY_INSTANTIATE(int32_t)
GCN_NPY_INSTANTIATE(float)
GCN_NPY_INSTANTIATE(double)
GCN_NPY_INSTANTIATE(uint8_t)
#undef GCN_NPY_INSTANTIATE

}  // namespace gcn
