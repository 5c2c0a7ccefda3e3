// The trainable parameters of an L-layer GCN: W_l (in x out, row-major) and b_l (out).
// Initial values are drawn on the host from one seed and handed to every backend, so all
// backends (and the peers, through verify) start from identical weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace gcn {

template <typename T>
struct Parameters {
  std::vector<Matrix<T>> weights;         // layer l: widths[l] x widths[l+1]
  std::vector<std::vector<T>> biases;     // layer l: widths[l+1] entries; empty vectors if no bias

  int num_layers() const { return static_cast<int>(weights.size()); }
};

// Glorot/Xavier uniform weights, U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) as
// torch.nn.init.xavier_uniform_; zero biases.
Parameters<float> glorot_parameters(const std::vector<int64_t>& widths, bool bias, uint64_t seed);

// Parameters of the same shapes, all zero (gradients, Adam's moments).
template <typename T>
Parameters<T> zeros_like(const Parameters<T>& params) {
  Parameters<T> z;
  for (const auto& w : params.weights) z.weights.emplace_back(w.rows, w.cols);
  for (const auto& b : params.biases) z.biases.emplace_back(b.size(), T(0));
  return z;
}

template <typename To, typename From>
Parameters<To> cast_parameters(const Parameters<From>& p) {
  Parameters<To> out;
  for (const auto& w : p.weights) out.weights.push_back(cast_matrix<To>(w));
  for (const auto& b : p.biases) out.biases.emplace_back(b.begin(), b.end());
  return out;
}

// JSON file {"format":"gcnbench-parameters-1","layers":[{"rows":..,"cols":..,"weight":[..],"bias":[..]},..]}
// with weights row-major (in x out): what `verify` hands to the peers. Written atomically.
void save_parameters(const Parameters<float>& params, const std::string& path);
Parameters<float> load_parameters(const std::string& path);

}  // namespace gcn
