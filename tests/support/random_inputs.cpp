#include "support/random_inputs.hpp"

#include <cstdlib>

namespace gcn::testing {

uint64_t fresh_seed() {
  if (const char* s = std::getenv("GCNBENCH_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}() % 1000000;
}

Csr<float> random_csr(std::mt19937_64& rng, int64_t rows, int64_t cols, double density) {
  std::bernoulli_distribution present(density);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Csr<float> a;
  a.rows = rows;
  a.cols = cols;
  a.row_ptr.push_back(0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      if (present(rng)) {
        a.col.push_back(static_cast<int32_t>(c));
        a.val.push_back(u(rng));
      }
    a.row_ptr.push_back(a.nnz());
  }
  return a;
}

}  // namespace gcn::testing
