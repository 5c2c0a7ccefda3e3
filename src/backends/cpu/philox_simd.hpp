// core/philox.hpp's dropout uniforms for 16 groups at once. The lane loops have no dependencies
// across lanes, so GCC turns them into vector code (vpmuludq for the 32x32->64 products): one
// Philox4x32-10 per 4 mask elements costs a few cycles instead of ~60. Bit-identical to
// dropout_uniforms4 (tested in tests/cpu/kernels_test.cpp).
#pragma once

#include <cstdint>

namespace gcn::cpu {

constexpr int kPhiloxLanes = 16;

// u[lane][g]: uniform `lane` (0..3) of group groups[g], for g < kPhiloxLanes.
inline void dropout_uniforms16(uint64_t seed, uint32_t layer, uint32_t epoch, const uint64_t* groups,
                               float u[4][kPhiloxLanes]) {
  uint32_t c0[kPhiloxLanes], c1[kPhiloxLanes], c2[kPhiloxLanes], c3[kPhiloxLanes];
  for (int g = 0; g < kPhiloxLanes; ++g) {
    c0[g] = static_cast<uint32_t>(groups[g]);
    c1[g] = static_cast<uint32_t>(groups[g] >> 32);
    c2[g] = epoch;
    c3[g] = layer;
  }
  uint32_t key0 = static_cast<uint32_t>(seed), key1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    for (int g = 0; g < kPhiloxLanes; ++g) {
      const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c0[g];
      const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c2[g];
      const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[g] ^ key0;
      const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[g] ^ key1;
      c0[g] = n0;
      c1[g] = static_cast<uint32_t>(p1);
      c2[g] = n2;
      c3[g] = static_cast<uint32_t>(p0);
    }
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  for (int g = 0; g < kPhiloxLanes; ++g) {
    u[0][g] = static_cast<float>(c0[g] >> 8) * 0x1.0p-24f;
    u[1][g] = static_cast<float>(c1[g] >> 8) * 0x1.0p-24f;
    u[2][g] = static_cast<float>(c2[g] >> 8) * 0x1.0p-24f;
    u[3][g] = static_cast<float>(c3[g] >> 8) * 0x1.0p-24f;
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

}  // namespace gcn::cpu
