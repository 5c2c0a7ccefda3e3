// make_problem takes its dataset by value: a moved-in dataset (what every command hands over)
// must give exactly the problem a copied one does, its parts freed or reused on the way.
#include <gtest/gtest.h>

#include <cstring>
#include <utility>

#include "data/loaders.hpp"
#include "model/config.hpp"
#include "model/problem.hpp"

namespace gcn {
namespace {

bool same_csr(const Csr<float>& a, const Csr<float>& b) {
  return a.rows == b.rows && a.cols == b.cols && a.row_ptr == b.row_ptr && a.col == b.col &&
         a.val.size() == b.val.size() && std::memcmp(a.val.data(), b.val.data(), a.val.size() * sizeof(float)) == 0;
}

TEST(Problem, MovedInDatasetGivesTheSameProblemAsACopy) {
  for (const char* preset : {"kipf", "mlx-gcn"}) {  // row-normalized features, and raw ones
    const Dataset original = generate_synthetic(parse_synthetic_spec("nodes=300,degree=6,features=40,classes=3,seed=5"));
    const Problem from_copy = make_problem(original, preset_config(preset));
    Dataset handed_over = original;
    const Problem moved = make_problem(std::move(handed_over), preset_config(preset));
    EXPECT_TRUE(same_csr(moved.adjacency, from_copy.adjacency)) << preset;
    EXPECT_TRUE(same_csr(moved.features, from_copy.features)) << preset;
    EXPECT_EQ(moved.labels, from_copy.labels) << preset;
    EXPECT_EQ(moved.split, from_copy.split) << preset;
    EXPECT_EQ(moved.num_train, from_copy.num_train) << preset;
    EXPECT_EQ(moved.num_val, from_copy.num_val) << preset;
    EXPECT_EQ(moved.num_test, from_copy.num_test) << preset;
    EXPECT_GT(moved.num_train, 0);
    // The copy's source is untouched: make_problem worked on its own copy.
    EXPECT_EQ(original.adjacency.nnz() > 0, true);
    EXPECT_TRUE(same_csr(original.features, generate_synthetic(parse_synthetic_spec(
                                                 "nodes=300,degree=6,features=40,classes=3,seed=5")).features));
  }
}

}  // namespace
}  // namespace gcn
