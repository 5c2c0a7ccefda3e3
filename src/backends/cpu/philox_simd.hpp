// core/philox.hpp's dropout uniforms for 16 groups at once, in vector registers: one
// Philox4x32-10 per 4 mask elements costs a few cycles instead of ~60. Bit-identical to
// dropout_uniforms4 (tested in tests/cpu/kernels_test.cpp).
#pragma once

#include <cstdint>

namespace gcn::cpu {

constexpr int kPhiloxLanes = 16;

// Eight Philox counters, one per 64-bit lane holding a 32-bit word: the 32x32->64 products of a
// round are then plain 64-bit lane products of values below 2^32 (vpmuludq / vpmullq), which GCC
// emits from vector extensions for any target. (Written as loops over 16 lanes of uint32_t, GCC
// left the rounds scalar: ~700 cycles per 16 groups, the largest cost of Cora's kipf epoch.)
typedef uint64_t PhiloxLanes8 __attribute__((vector_size(64)));

inline void philox_rounds8(PhiloxLanes8& c0, PhiloxLanes8& c1, PhiloxLanes8& c2, PhiloxLanes8& c3, uint64_t seed) {
  const uint64_t low32 = 0xFFFFFFFFu;
  uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const PhiloxLanes8 p0 = c0 * 0xD2511F53u;
    const PhiloxLanes8 p1 = c2 * 0xCD9E8D57u;
    const PhiloxLanes8 n0 = (p1 >> 32) ^ c1 ^ key0;
    const PhiloxLanes8 n2 = (p0 >> 32) ^ c3 ^ key1;
    c0 = n0;
    c1 = p1 & low32;
    c2 = n2;
    c3 = p0 & low32;
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
}

// u[lane][g]: uniform `lane` (0..3) of group groups[g], for g < kPhiloxLanes.
inline void dropout_uniforms16(uint64_t seed, uint32_t layer, uint32_t epoch, const uint64_t* groups,
                               float u[4][kPhiloxLanes]) {
  for (int half = 0; half < kPhiloxLanes; half += 8) {
    PhiloxLanes8 g;
    __builtin_memcpy(&g, groups + half, sizeof(g));
    PhiloxLanes8 c0 = g & 0xFFFFFFFFu, c1 = g >> 32;
    PhiloxLanes8 c2 = PhiloxLanes8{} + epoch, c3 = PhiloxLanes8{} + layer;
    philox_rounds8(c0, c1, c2, c3, seed);
    const PhiloxLanes8* words[4] = {&c0, &c1, &c2, &c3};
    for (int lane = 0; lane < 4; ++lane)
      for (int e = 0; e < 8; ++e) u[lane][half + e] = static_cast<float>((*words[lane])[e] >> 8) * 0x1.0p-24f;
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
