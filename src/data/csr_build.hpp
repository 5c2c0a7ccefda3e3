// Building a binary CSR by counting sort, shared by the edge-list loaders and the synthetic
// generator: after the columns have been scattered into their rows, sort each row, drop repeats
// and close the gaps. No per-node containers, so it scales to 10^8 edges.
#pragma once

#include "core/csr.hpp"

namespace gcn::detail {

// `a.row_ptr` and `a.col` hold rows in any order within each row; afterwards the columns are
// ascending and unique, `a.row_ptr` is updated and `a.val` is all 1.0f.
void sort_dedupe_rows(Csr<float>& a);

}  // namespace gcn::detail
