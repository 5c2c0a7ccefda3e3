// Rows of a narrow layer (the GCN's widths: 16 hidden, 7 classes on Cora) held in one vector
// register, and the dispatch from a runtime width to kernels compiled for it as a constant: the
// per-row work then becomes a few vector instructions instead of a runtime-length loop or a call
// to memcpy with a variable size. GCC vector extensions rather than intrinsics: AVX-512 with
// -march=native, SSE/AVX otherwise.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "core/error.hpp"

namespace gcn::cpu {

constexpr int64_t kMaxConstantWidth = 16;

typedef float v8 __attribute__((vector_size(32)));
#if defined(__AVX512F__)
typedef float v16 __attribute__((vector_size(64)));
constexpr int kRegistersPerV16 = 1;
constexpr int kVectorRegisters = 32;
#else
// Without AVX-512 GCC lowers a 64-byte vector extension through the stack: every FMA of a 16-wide
// row then stored and reloaded its halves through general registers. Two 32-byte halves in a
// struct stay in registers (docs/benchmarks.md, "Measurements behind code choices").
struct v16 {
  v8 lo, hi;
  float& operator[](int i) { return i < 8 ? lo[i] : hi[i - 8]; }
};
inline v16& operator+=(v16& a, const v16& b) {
  a.lo += b.lo;
  a.hi += b.hi;
  return a;
}
inline v16 operator*(float s, const v16& v) { return {s * v.lo, s * v.hi}; }
constexpr int kRegistersPerV16 = 2;
constexpr int kVectorRegisters = 16;
#endif

template <typename V>
constexpr int lanes() {
  return static_cast<int>(sizeof(V) / sizeof(float));
}

// Loads and stores through memcpy (unaligned, no aliasing questions); out-parameters rather than
// returned vectors, whose ABI GCC warns about (-Wpsabi) in builds without -march=native. A v16
// made of two halves is copied half by half: one memcpy over the whole struct sends it to the
// stack again.
template <typename V>
inline void load(V& v, const float* p) {
  if constexpr (std::is_class_v<V>) {
    load(v.lo, p);
    load(v.hi, p + 8);
  } else {
    std::memcpy(&v, p, sizeof(V));
  }
}

// Rows p of a k x N row-major matrix for which a full vector load (lanes(V) >= N floats) stays
// inside it. The lanes past N then hold the start of row p + 1: they are multiplied into
// accumulator lanes that are never stored, which spares a masked or partial load in the inner
// loop. Only the last rows are loaded partially (N is a constant there, so the copy is inlined).
template <typename V, int N>
constexpr int64_t full_load_rows(int64_t k) {
  const int64_t total = k * N;
  return total >= lanes<V>() ? (total - lanes<V>()) / N + 1 : 0;
}

template <int N, typename V>
inline void load_row_tail(V& v, const float* row) {
  if constexpr (std::is_class_v<V>) {
    static_assert(N > 8);
    load(v.lo, row);
    load_row_tail<N - 8>(v.hi, row + 8);
  } else {
    v = V{};
    std::memcpy(&v, row, N * sizeof(float));
  }
}

// Row p of a k x N matrix, full = full_load_rows<V, N>(k).
template <int N, typename V>
inline void load_row(V& v, const float* m, int64_t p, int64_t full) {
  if (p < full)
    load(v, m + p * N);
  else
    load_row_tail<N>(v, m + p * N);
}

template <int N, typename V>
inline void store_row(float* row, const V& v) {
  if constexpr (std::is_class_v<V>) {
    static_assert(N > 8);
    store_row<8>(row, v.lo);
    store_row<N - 8>(row + 8, v.hi);
  } else {
    std::memcpy(row, &v, N * sizeof(float));
  }
}

// The narrowest vector type that holds N floats.
template <int N>
using RowVector = std::conditional_t<(N <= 8), v8, v16>;

// Calls f.template operator()<N>() with N == n, for n in 1..kMaxConstantWidth.
template <typename F>
void with_constant_width(int64_t n, F&& f) {
  switch (n) {
    case 1: return f.template operator()<1>();
    case 2: return f.template operator()<2>();
    case 3: return f.template operator()<3>();
    case 4: return f.template operator()<4>();
    case 5: return f.template operator()<5>();
    case 6: return f.template operator()<6>();
    case 7: return f.template operator()<7>();
    case 8: return f.template operator()<8>();
    case 9: return f.template operator()<9>();
    case 10: return f.template operator()<10>();
    case 11: return f.template operator()<11>();
    case 12: return f.template operator()<12>();
    case 13: return f.template operator()<13>();
    case 14: return f.template operator()<14>();
    case 15: return f.template operator()<15>();
    case 16: return f.template operator()<16>();
    default: fail("internal: constant-width kernel for width " + std::to_string(n) + " (1..16 only)");
  }
}

}  // namespace gcn::cpu
