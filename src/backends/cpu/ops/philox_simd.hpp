// core/philox.hpp's dropout uniforms for 16 groups at once, in vector registers: one
// Philox4x32-10 per 4 mask elements costs a few cycles instead of ~60. Bit-identical to
// dropout_uniforms4 (tested in tests/cpu/kernels_test.cpp).
#pragma once

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <cstdint>

namespace gcn::cpu {

constexpr int kPhiloxLanes = 16;

// Philox counters one per 64-bit lane holding a 32-bit word: the 32x32->64 products of a round
// are then lane products of values below 2^32 (multiply_low_words). (Written as loops over 16
// lanes of uint32_t, GCC left the rounds scalar: ~700 cycles per 16 groups, the largest cost of
// Cora's kipf epoch.) The vector is one register wide: 8 lanes with AVX-512, 4 otherwise, where
// GCC would lower a 64-byte vector through the stack (which made these rounds the largest cost on
// an AVX2 Zen 3).
#if defined(__AVX512F__)
typedef uint64_t PhiloxLanes __attribute__((vector_size(64)));
#else
typedef uint64_t PhiloxLanes __attribute__((vector_size(32)));
#endif
constexpr int kPhiloxVectorLanes = sizeof(PhiloxLanes) / sizeof(uint64_t);
typedef int32_t PhiloxInts __attribute__((vector_size(sizeof(PhiloxLanes) / 2)));
typedef float PhiloxFloats __attribute__((vector_size(sizeof(PhiloxLanes) / 2)));

// a * b for lanes a < 2^32: the full 64-bit product. GCC cannot know that the upper halves are
// zero and, without AVX-512DQ, emulates a 64x64-bit multiply with three multiplies, shifts and
// adds; the 32x32->64 multiply instruction does it in one.
// (An out-parameter, not a returned vector, whose ABI GCC warns about without -march=native.)
// The zero-masked form with every lane selected is the same vpmuludq; the plain intrinsic's
// "undefined" pass-through makes GCC 12 warn of an uninitialized value wherever it is inlined.
inline void multiply_low_words(const PhiloxLanes& a, uint32_t b, PhiloxLanes& product) {
#if defined(__AVX512F__)
  product = reinterpret_cast<PhiloxLanes>(
      _mm512_maskz_mul_epu32(static_cast<__mmask8>(0xFF), reinterpret_cast<__m512i>(a), _mm512_set1_epi64(b)));
#elif defined(__AVX2__)
  product = reinterpret_cast<PhiloxLanes>(_mm256_mul_epu32(reinterpret_cast<__m256i>(a), _mm256_set1_epi64x(b)));
#else
  product = a * b;
#endif
}

// kParts independent counter vectors go through the rounds in lockstep: one vector's round is a
// chain of dependent multiplies, shifts and xors, and interleaving several hides its latency.
template <int kParts>
inline void philox_rounds(PhiloxLanes (&c0)[kParts], PhiloxLanes (&c1)[kParts], PhiloxLanes (&c2)[kParts],
                          PhiloxLanes (&c3)[kParts], uint64_t seed) {
  const uint64_t low32 = 0xFFFFFFFFu;
  uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
#pragma GCC unroll 4
    for (int part = 0; part < kParts; ++part) {
      PhiloxLanes p0, p1;
      multiply_low_words(c0[part], 0xD2511F53u, p0);
      multiply_low_words(c2[part], 0xCD9E8D57u, p1);
      const PhiloxLanes n0 = (p1 >> 32) ^ c1[part] ^ key0;
      const PhiloxLanes n2 = (p0 >> 32) ^ c3[part] ^ key1;
      c0[part] = n0;
      c1[part] = p1 & low32;
      c2[part] = n2;
      c3[part] = p0 & low32;
    }
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
}

// u[lane][g]: uniform `lane` (0..3) of group groups[g], for g < kPhiloxLanes. Two counter
// vectors go through the rounds at a time: their 8 state registers and the temporaries fit the
// 16 registers of AVX2, where four at a time spilled to the stack (docs/benchmarks.md,
// "Measurements behind code choices"); with AVX-512 the 16 lanes are two vectors anyway.
inline void dropout_uniforms16(uint64_t seed, uint32_t layer, uint32_t epoch, const uint64_t* groups,
                               float u[4][kPhiloxLanes]) {
  constexpr int kLockstep = 2;
  static_assert(kPhiloxLanes % (kLockstep * kPhiloxVectorLanes) == 0);
  // The top 24 bits of each word, through 32-bit integers: without AVX-512 there is no vector
  // conversion from 64-bit integers, and GCC converts lane by lane in general registers.
  const auto to_uniforms = [](const PhiloxLanes& word, float* out) {
    const PhiloxInts bits = __builtin_convertvector(word >> 8, PhiloxInts);
    const PhiloxFloats uniform = __builtin_convertvector(bits, PhiloxFloats) * 0x1.0p-24f;
    __builtin_memcpy(out, &uniform, sizeof(uniform));
  };
  for (int first = 0; first < kPhiloxLanes; first += kLockstep * kPhiloxVectorLanes) {
    PhiloxLanes c0[kLockstep], c1[kLockstep], c2[kLockstep], c3[kLockstep];
#pragma GCC unroll 2
    for (int part = 0; part < kLockstep; ++part) {
      PhiloxLanes g;
      __builtin_memcpy(&g, groups + first + part * kPhiloxVectorLanes, sizeof(g));
      c0[part] = g & 0xFFFFFFFFu;
      c1[part] = g >> 32;
      c2[part] = PhiloxLanes{} + epoch;
      c3[part] = PhiloxLanes{} + layer;
    }
    philox_rounds(c0, c1, c2, c3, seed);
#pragma GCC unroll 2
    for (int part = 0; part < kLockstep; ++part) {
      const int at = first + part * kPhiloxVectorLanes;
      to_uniforms(c0[part], u[0] + at);
      to_uniforms(c1[part], u[1] + at);
      to_uniforms(c2[part], u[2] + at);
      to_uniforms(c3[part], u[3] + at);
    }
  }
}

// scale[e] = keep(index[e]) ? keep_scale : 0 for e < count <= kPhiloxLanes, with the mask of
// core/philox.hpp's dropout_keep.
inline void dropout_scales16(uint64_t seed, uint32_t layer, uint32_t epoch, const uint64_t* index, int count, float p,
                             float keep_scale, float* scale) {
  uint64_t groups[kPhiloxLanes];
  for (int e = 0; e < kPhiloxLanes; ++e) groups[e] = e < count ? index[e] >> 2 : 0;
  float u[4][kPhiloxLanes];
  dropout_uniforms16(seed, layer, epoch, groups, u);
  for (int e = 0; e < count; ++e) scale[e] = u[index[e] & 3][e] >= p ? keep_scale : 0.0f;
}

// scale[e] for the 64 consecutive mask elements 4 * g0 + e (16 groups of 4): keep ? keep_scale : 0.
inline void dropout_block_scales64(uint64_t seed, uint32_t layer, uint32_t epoch, uint64_t g0, float p,
                                   float keep_scale, float scale[4 * kPhiloxLanes]) {
  uint64_t groups[kPhiloxLanes];
  for (int g = 0; g < kPhiloxLanes; ++g) groups[g] = g0 + static_cast<uint64_t>(g);
  float u[4][kPhiloxLanes];
  dropout_uniforms16(seed, layer, epoch, groups, u);
  for (int g = 0; g < kPhiloxLanes; ++g)
    for (int lane = 0; lane < 4; ++lane) scale[4 * g + lane] = u[lane][g] >= p ? keep_scale : 0.0f;
}

}  // namespace gcn::cpu
