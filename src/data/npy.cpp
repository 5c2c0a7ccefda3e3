#include "data/npy.hpp"

#include <bit>
#include <cstring>
#include <fstream>

#include "core/error.hpp"

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
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot open for reading");
  char preamble[kPreambleBytes];
  if (!in.read(preamble, kPreambleBytes) || std::memcmp(preamble, kMagic, 6) != 0)
    fail(path + ": not a .npy file");
  if (preamble[6] != 1) fail(path + ": .npy format version " + std::to_string(preamble[6]) + " (only 1.x is read)");
  const size_t header_len = static_cast<uint8_t>(preamble[8]) | (static_cast<size_t>(static_cast<uint8_t>(preamble[9])) << 8);
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len))) fail(path + ": truncated .npy header");

  const std::string descr = dict_value(header, "descr", path);
  if (descr != std::string("'") + npy_descr<T>() + "'")
    fail(path + ": dtype " + descr + ", expected '" + npy_descr<T>() + "'");
  if (dict_value(header, "fortran_order", path) != "False") fail(path + ": Fortran-order arrays are not read");
  const std::string shape = dict_value(header, "shape", path);  // "(N,)"
  if (shape.size() < 4 || shape.front() != '(' || shape.substr(shape.size() - 2) != ",)")
    fail(path + ": shape " + shape + " is not one-dimensional");
  const size_t count = std::stoull(shape.substr(1, shape.size() - 3));

  std::vector<T> data(count);
  if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(count * sizeof(T))))
    fail(path + ": truncated .npy data (expected " + std::to_string(count) + " elements)");
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
