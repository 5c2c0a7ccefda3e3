// The GCN preprocessing of Kipf & Welling: A_hat = D^-1/2 (A + I) D^-1/2 with D the degree
// matrix of A + I, and row-normalized features.
#pragma once

#include "core/csr.hpp"

namespace gcn {

// A must be square without self loops; the result has the diagonal added. Symmetric if A is.
Csr<float> normalized_adjacency(const Csr<float>& adjacency);

// Each row divided by its sum; all-zero rows stay zero (as Kipf and PyG do). By value: a moved-in
// matrix is normalized in place.
Csr<float> row_normalized(Csr<float> features);

}  // namespace gcn
