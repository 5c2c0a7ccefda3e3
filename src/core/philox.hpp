// Counter-based random numbers for dropout masks (Philox4x32-10, Salmon et al., SC'11).
// Every mask element is a pure function of (seed, layer, epoch, element index), so
//  - the backward pass recomputes the mask instead of storing it,
//  - every backend, CPU or GPU, draws exactly the same mask, in any thread order,
//  - a CUDA graph replays with a new epoch without recapture.
// Compiles as host code and, under nvcc, as device code.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define GCN_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define GCN_HOST_DEVICE inline
#endif

namespace gcn {

struct Philox4 {
  uint32_t v[4];
};

GCN_HOST_DEVICE uint32_t mulhilo32(uint32_t a, uint32_t b, uint32_t* hi) {
  const uint64_t product = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(product >> 32);
  return static_cast<uint32_t>(product);
}

GCN_HOST_DEVICE Philox4 philox4x32_10(Philox4 counter, uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, hi1;
    const uint32_t lo0 = mulhilo32(0xD2511F53u, counter.v[0], &hi0);
    const uint32_t lo1 = mulhilo32(0xCD9E8D57u, counter.v[2], &hi1);
    counter = Philox4{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return counter;
}

// Four uniforms in [0,1) for the four consecutive elements 4*group .. 4*group+3 of the mask of
// `layer` at `epoch`. Element i uses lane i % 4 of group i / 4, so a kernel that handles four
// elements at a time makes one Philox call for them.
GCN_HOST_DEVICE void dropout_uniforms4(uint64_t seed, uint32_t layer, uint32_t epoch, uint64_t group, float out[4]) {
  const Philox4 counter{{static_cast<uint32_t>(group), static_cast<uint32_t>(group >> 32), epoch, layer}};
  const Philox4 bits = philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  for (int lane = 0; lane < 4; ++lane) out[lane] = static_cast<float>(bits.v[lane] >> 8) * 0x1.0p-24f;
}

// Whether element `index` of the mask survives dropout with drop probability p; a kept element is
// scaled by 1/(1-p) (inverted dropout).
GCN_HOST_DEVICE bool dropout_keep(uint64_t seed, uint32_t layer, uint32_t epoch, uint64_t index, float p) {
  float u[4];
  dropout_uniforms4(seed, layer, epoch, index >> 2, u);
  return u[index & 3] >= p;
}

}  // namespace gcn
