// NumPy .npy files, format version 1.0, one-dimensional arrays only: what `export` writes for the
// Python peers (numpy.load reads them without copying through text) and what the export test
// reads back. The header is written by hand: magic, version, a little-endian uint16 header
// length, then a Python dict literal padded with spaces to a 64-byte boundary and ended by '\n'
// (the alignment numpy itself uses, so np.load can memory-map the data).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gcn {

// numpy's dtype string for the element types the export uses ("<i8", "<i4", "<f4", "|u1", "<f8").
template <typename T>
const char* npy_descr();
template <> const char* npy_descr<int64_t>();
template <> const char* npy_descr<int32_t>();
template <> const char* npy_descr<float>();
template <> const char* npy_descr<double>();
template <> const char* npy_descr<uint8_t>();

// Writes data as a 1-D array of shape (data.size(),); throws gcn::Error naming the path.
template <typename T>
void write_npy(const std::string& path, const std::vector<T>& data);

// Reads a 1-D array whose dtype is exactly npy_descr<T>() (no conversion, C order); throws
// gcn::Error naming the path when the file is missing, truncated or of another dtype or rank.
template <typename T>
std::vector<T> read_npy(const std::string& path);

}  // namespace gcn
