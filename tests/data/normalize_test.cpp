// Kipf's preprocessing against values worked out by hand: A_hat = D^-1/2 (A + I) D^-1/2 on a
// 4-node graph, row-normalized features, and the dense A_hat (--adj dense) against the CSR one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/csr.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/normalize.hpp"
#include "data_test_util.hpp"

namespace gcn {
namespace {

// Edges 0-1, 1-2, 1-3, 2-3. Degrees of A + I: d = (2, 4, 3, 3), so
//   A_hat = [ 1/2        1/sqrt(8)   0           0          ]
//           [ 1/sqrt(8)  1/4         1/sqrt(12)  1/sqrt(12) ]
//           [ 0          1/sqrt(12)  1/3         1/3        ]
//           [ 0          1/sqrt(12)  1/3         1/3        ]
// with 1/sqrt(8) = 0.35355339059 and 1/sqrt(12) = 0.28867513459.
Csr<float> four_node_graph() { return adjacency_from_edges(4, {{0, 1}, {1, 2}, {3, 1}, {2, 3}}); }

const double kHandWorked[4][4] = {
    {0.5, 0.35355339059327373, 0, 0},
    {0.35355339059327373, 0.25, 0.28867513459481287, 0.28867513459481287},
    {0, 0.28867513459481287, 1.0 / 3, 1.0 / 3},
    {0, 0.28867513459481287, 1.0 / 3, 1.0 / 3},
};

TEST(Normalize, AdjacencyMatchesHandWorkedFourNodeGraph) {
  const Csr<float> a_hat = normalized_adjacency(four_node_graph());
  ASSERT_EQ(a_hat.rows, 4);
  ASSERT_EQ(a_hat.cols, 4);
  // The structure: A's entries plus the diagonal, columns ascending in each row.
  EXPECT_EQ(a_hat.row_ptr, (std::vector<int64_t>{0, 2, 6, 9, 12}));
  EXPECT_EQ(a_hat.col, (std::vector<int32_t>{0, 1, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t k = a_hat.row_ptr[r]; k < a_hat.row_ptr[r + 1]; ++k)
      // normalize.cpp accumulates in double and rounds once, so the float is the correctly
      // rounded value: within half an ulp of the exact one (ulp of values < 1 is <= 2^-24).
      EXPECT_NEAR(a_hat.val[k], kHandWorked[r][a_hat.col[k]], 0x1p-25) << "A_hat[" << r << "][" << a_hat.col[k] << "]";
}

TEST(Normalize, DenseAdjacencyEqualsCsrEntryByEntry) {
  const Csr<float> a_hat = normalized_adjacency(four_node_graph());
  const Matrix<float> dense = to_dense(a_hat, "dense adjacency", "use --adj sparse");
  ASSERT_EQ(dense.rows, 4);
  ASSERT_EQ(dense.cols, 4);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      float from_csr = 0;
      for (int64_t k = a_hat.row_ptr[r]; k < a_hat.row_ptr[r + 1]; ++k)
        if (a_hat.col[k] == c) from_csr = a_hat.val[k];
      EXPECT_EQ(dense(r, c), from_csr) << r << "," << c;  // a copy: bit-identical
      EXPECT_NEAR(dense(r, c), kHandWorked[r][c], 0x1p-25) << r << "," << c;
      EXPECT_EQ(dense(r, c), dense(c, r)) << "not symmetric at " << r << "," << c;
    }
}

TEST(Normalize, IsolatedNodeGetsWeightOneOnItsDiagonal) {
  const Csr<float> a_hat = normalized_adjacency(adjacency_from_edges(3, {{0, 1}}));
  EXPECT_EQ(a_hat.row_ptr, (std::vector<int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(a_hat.col[4], 2);
  EXPECT_EQ(a_hat.val[4], 1.0f);  // d = 1: 1/sqrt(1*1)
  EXPECT_EQ(a_hat.val[0], 0.5f);  // d = 2 on both ends of edge 0-1
  EXPECT_EQ(a_hat.val[1], 0.5f);
}

TEST(Normalize, RefusesAnAdjacencyThatAlreadyHasSelfLoops) {
  Csr<float> a = four_node_graph();
  a.col[0] = 0;  // row 0 now names itself
  EXPECT_ERROR_WITH(normalized_adjacency(a), "self loop on node 0");
}

TEST(Normalize, DenseRequestTooLargeNamesTheLimitAndTheWayAround) {
  // 3 million nodes: 3.6e13 bytes dense, more than any machine this runs on; the CSR itself is
  // tiny, and to_dense must refuse before allocating.
  Csr<float> a;
  a.rows = a.cols = 3'000'000;
  a.row_ptr.assign(static_cast<size_t>(a.rows) + 1, 0);
  EXPECT_ERROR_WITH(to_dense(a, "dense adjacency", "use --adj sparse"), "dense adjacency", "3000000 x 3000000",
                    "of memory", "use --adj sparse");
}

TEST(Normalize, FeatureRowsSumToOneAndEmptyRowsStayEmpty) {
  Csr<float> x;
  x.rows = 3;
  x.cols = 4;
  x.row_ptr = {0, 3, 3, 5};
  x.col = {0, 1, 3, 1, 2};
  x.val = {1, 1, 1, 2, 6};
  const Csr<float> normalized = row_normalized(x);
  EXPECT_EQ(normalized.row_ptr, x.row_ptr);
  EXPECT_EQ(normalized.col, x.col);
  const float third = static_cast<float>(1.0 / 3);
  EXPECT_EQ(normalized.val, (std::vector<float>{third, third, third, 0.25f, 0.75f}));
}

}  // namespace
}  // namespace gcn
