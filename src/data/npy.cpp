#include "data/npy.hpp"

#include <charconv>

#include <bit>
#include <cstring>
#include <fstream>

#include "core/error.hpp"
#include "core/read_file.hpp"

namespace gcn {

static_assert(std::endian::native == std::endian::little, "the .npy writer assumes a little-endian host");

template <> const char* npy_descr<int64_t>() { return "<i8"; }
template <> const char* npy_descr<int32_t>() { return "<i4"; }
template <> const char* npy_descr<float>() { return "<f4"; }
template <> const char* npy_descr<double>() { return "<f8"; }
template <> const char* npy_descr<uint8_t>() { return "|u1"; }

namespace {

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes, then major and minor version
constexpr size_t kPreambleBytes = 10;   // magic, version, uint16 header length

std::string header_dict(const char* descr, size_t count) {
  return std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(count) +
         ",), }";
}

// Value of `'key': ` in the header dict, up to the next ',' or ')' plus one (for the shape tuple).
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
  const std::string needle = "'" + key + "':";
  const size_t at = header.find(needle);
  if (at == std::string::npos) fail(path + ": .npy header has no '" + key + "'");
  size_t begin = at + needle.size();
  while (begin < header.size() && header[begin] == ' ') ++begin;
  const size_t end = header[begin] == '(' ? header.find(')', begin) + 1 : header.find_first_of(",}", begin);
  if (end == std::string::npos || end <= begin) fail(path + ": malformed .npy header");
  return header.substr(begin, end - begin);
}

}  // namespace

template <typename T>
void write_npy(const std::string& path, const std::vector<T>& data) {
  std::string header = header_dict(npy_descr<T>(), data.size());
  // Pad with spaces so that preamble + header + '\n' is a multiple of 64 bytes.
  const size_t unpadded = kPreambleBytes + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  const auto header_len = static_cast<uint16_t>(header.size());

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail(path + ": cannot open for writing");
  out.write(kMagic, 6);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const char len_bytes[2] = {static_cast<char>(header_len & 0xff), static_cast<char>(header_len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(T)));
  out.close();
  if (!out) fail(path + ": write failed");
}

template <typename T>
std::vector<T> read_npy(const std::string& path) {
  // The whole file first (read_file refuses FIFOs and devices and knows the size), so that the
  // header's element count is checked against the bytes really there before it sizes anything.
  const std::string file = read_file(path);
  if (file.size() < kPreambleBytes || std::memcmp(file.data(), kMagic, 6) != 0) fail(path + ": not a .npy file");
  if (file[6] != 1) fail(path + ": .npy format version " + std::to_string(file[6]) + " (only 1.x is read)");
  const size_t header_len = static_cast<uint8_t>(file[8]) | (static_cast<size_t>(static_cast<uint8_t>(file[9])) << 8);
  if (file.size() < kPreambleBytes + header_len) fail(path + ": truncated .npy header");
  const std::string header = file.substr(kPreambleBytes, header_len);

  const std::string descr = dict_value(header, "descr", path);
  if (descr != std::string("'") + npy_descr<T>() + "'")
    fail(path + ": dtype " + descr + ", expected '" + npy_descr<T>() + "'");
  if (dict_value(header, "fortran_order", path) != "False") fail(path + ": Fortran-order arrays are not read");
  const std::string shape = dict_value(header, "shape", path);  // "(N,)"
  if (shape.size() < 4 || shape.front() != '(' || shape.substr(shape.size() - 2) != ",)")
    fail(path + ": shape " + shape + " is not one-dimensional");
  uint64_t count = 0;
  const std::string digits = shape.substr(1, shape.size() - 3);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc() || end != digits.data() + digits.size()) fail(path + ": shape " + shape + " is not a count");
  const size_t data_bytes = file.size() - kPreambleBytes - header_len;
  if (count > data_bytes / sizeof(T) || count * sizeof(T) != data_bytes)
    fail(path + ": the header promises " + std::to_string(count) + " elements (" + std::to_string(count * sizeof(T)) +
         " bytes), the file holds " + std::to_string(data_bytes) + " bytes of data");

  std::vector<T> data(count);
  if (count > 0) std::memcpy(data.data(), file.data() + kPreambleBytes + header_len, data_bytes);
  return data;
}

#define GCN_NPY_INSTANTIATE(T)                                                  \
  template void write_npy<T>(const std::string&, const std::vector<T>&); \
  template std::vector<T> read_npy<T>(const std::string&);
GCN_NPY_INSTANTIATE(int64_t)
GCN_NPY_INSTANTIATE(int32_t)
GCN_NPY_INSTANTIATE(float)
GCN_NPY_INSTANTIATE(double)
GCN_NPY_INSTANTIATE(uint8_t)
#undef GCN_NPY_INSTANTIATE

}  // namespace gcn
