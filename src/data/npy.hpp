// NumPy .npy files, format versions 1.0 to 3.0: what `export` writes for the Python peers (numpy.load
// reads them without copying through text), what the export test reads back, and the members of
// the .npz archives users bring (data/npz_format.cpp). The header is written by hand: magic,
// version, a little-endian uint16 header length, then a Python dict literal padded with spaces to
// a 64-byte boundary and ended by '\n' (the alignment numpy itself uses, so np.load can
// memory-map the data).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gcn {

// numpy's dtype string for the element types the export uses ("<i8", "<i4", "<f4", "|u1", "<f8").
template <typename T>
const char* npy_descr();
template <>
const char* npy_descr<int64_t>();
template <>
const char* npy_descr<int32_t>();
template <>
const char* npy_descr<float>();
template <>
const char* npy_descr<double>();
template <>
const char* npy_descr<uint8_t>();

// The bytes of a .npy file holding `data` in C order with `shape` (empty shape: 1-D of data.size()).
template <typename T>
std::string npy_bytes(const std::vector<T>& data, const std::vector<int64_t>& shape = {});

// Writes data as a 1-D array of shape (data.size(),); throws gcn::Error naming the path.
template <typename T>
void write_npy(const std::string& path, const std::vector<T>& data);

// Reads a 1-D array whose dtype is exactly npy_descr<T>() (no conversion, C order); throws
// gcn::Error naming the path when the file is missing, truncated or of another dtype or rank.
template <typename T>
std::vector<T> read_npy(const std::string& path);

// A parsed .npy held in memory: its dtype, shape and the raw little-endian element bytes (a view
// into the bytes given to parse_npy, which must outlive it).
struct NpyArray {
  std::string descr;  // "<f4", "|b1", "|O", ...
  char kind = 0;      // 'f' float, 'i' signed, 'u' unsigned, 'b' bool, 'O' object, ...
  int item_bytes = 0;
  std::vector<int64_t> shape;  // () for a scalar
  bool fortran_order = false;
  std::string_view data;

  int64_t count() const;  // the product of shape
  bool is_number() const { return kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b'; }
};

// Parses `bytes` as a .npy file; throws gcn::Error naming `source` when the magic, version or
// header is malformed, a dimension is negative, or the data is shorter or longer than the shape
// says. Object arrays (pickles) parse, with no element size; only their names are used.
NpyArray parse_npy(std::string_view bytes, const std::string& source);

// The elements of a numeric array in C order (a Fortran-order 2-D array is transposed back), as
// double or as int64 (floats must then hold whole numbers); throws gcn::Error naming `source` for
// a non-numeric or big-endian dtype, a non-integer value asked as an integer, or a NaN or inf.
std::vector<double> npy_doubles(const NpyArray& array, const std::string& source);
std::vector<int64_t> npy_integers(const NpyArray& array, const std::string& source);

}  // namespace gcn
