// `--synthetic nodes=N,degree=D,features=F,classes=C,seed=S`: the spec parser's refusals, the
// generator's determinism and graph invariants, its memory checks, and that a GCN learns it.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"
#include "data/graph_shape.hpp"
#include "data/loaders.hpp"
#include "data_test_util.hpp"
#include "model/problem.hpp"
#include "train/trainer.hpp"

namespace gcn {
namespace {

Dataset synthetic(const std::string& spec) { return generate_synthetic(parse_synthetic_spec(spec)); }

void expect_identical(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.adjacency.row_ptr, b.adjacency.row_ptr);
  EXPECT_EQ(a.adjacency.col, b.adjacency.col);
  EXPECT_EQ(a.adjacency.val, b.adjacency.val);
  EXPECT_EQ(a.features.row_ptr, b.features.row_ptr);
  EXPECT_EQ(a.features.col, b.features.col);
  EXPECT_EQ(a.features.val, b.features.val);  // bit-identical floats
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.split, b.split);
}

TEST(SyntheticSpec, ParsesEveryKey) {
  const SyntheticSpec s =
      parse_synthetic_spec(" nodes=1000, degree=6.5,features=20,classes=4,seed=9,density=0.25,homophily=0.6");
  EXPECT_EQ(s.nodes, 1000);
  EXPECT_EQ(s.degree, 6.5);
  EXPECT_EQ(s.features, 20);
  EXPECT_EQ(s.classes, 4);
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.feature_density, 0.25);
  EXPECT_EQ(s.homophily, 0.6);
}

TEST(SyntheticSpec, RejectsBadSpecsWithClearMessages) {
  const std::string ok = "degree=4,features=8,classes=3,seed=1";
  EXPECT_ERROR_WITH(parse_synthetic_spec(""), "synthetic spec", "empty", "nodes=N");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100," + ok + ",colour=red"), "unknown key 'colour'", "keys: nodes");
  EXPECT_ERROR_WITH(parse_synthetic_spec(ok), "missing 'nodes'");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=4,classes=3"), "missing 'features', 'seed'");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=-100," + ok), "nodes=-100", "must be in 1..");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=0," + ok), "nodes=0", "must be in 1..");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=-1,features=8,classes=3,seed=1"), "degree=-1 must be >= 0");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=4,features=-8,classes=3,seed=1"), "features=-8");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=4,features=8,classes=-3,seed=1"),
                    "classes=-3 must be positive");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=4,features=8,classes=3,seed=-1"),
                    "seed=-1 is not a non-negative integer");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=ten," + ok), "nodes=ten is not an integer");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100," + ok.substr(0, ok.size() - 1) + "1x"),
                    "seed=1x is not a non-negative integer");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=1e3," + ok), "nodes=1e3 is not an integer");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=four,features=8,classes=3,seed=1"),
                    "degree=four is not a finite number");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=nan,features=8,classes=3,seed=1"),
                    "degree=nan is not a finite number");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=,features=8,classes=3,seed=1"),
                    "degree= is not a finite number");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=100,features=8,classes=3,seed=1"),
                    "degree=100 is more than nodes-1=99");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,degree=500,features=8,classes=3,seed=1"),
                    "degree=500 is more than nodes-1=99");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=10,degree=4,features=8,classes=11,seed=1"),
                    "classes=11 is more than nodes=10");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100,nodes=200," + ok), "key 'nodes' given twice");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100," + ok + ",,"), "is not key=value");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes 100," + ok), "'nodes 100' is not key=value");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=99999999999999999999," + ok), "out of range");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100," + ok + ",density=0"), "density=0 must be in (0, 1]");
  EXPECT_ERROR_WITH(parse_synthetic_spec("nodes=100," + ok + ",homophily=1.5"), "homophily=1.5 must be in [0, 1]");
}

TEST(SyntheticSpec, LikeGivesAPublicGraphsShapeThatKeysOverride) {
  const SyntheticSpec reddit = parse_synthetic_spec("like=reddit");
  EXPECT_EQ(reddit.nodes, 232965);
  EXPECT_DOUBLE_EQ(reddit.degree, 492.0);
  EXPECT_EQ(reddit.features, 602);
  EXPECT_EQ(reddit.classes, 41);
  EXPECT_EQ(reddit.seed, 0u);
  EXPECT_DOUBLE_EQ(reddit.feature_density, 1.0);  // real feature matrices are dense
  const SyntheticSpec papers = parse_synthetic_spec("like=papers100m");
  EXPECT_EQ(papers.nodes, 111059956);
  EXPECT_EQ(papers.classes, 172);
  EXPECT_EQ(parse_synthetic_spec("like=arxiv").features, 128);
  EXPECT_EQ(parse_synthetic_spec("like=products").classes, 47);
  // A key beside like= wins, in either order.
  const SyntheticSpec small = parse_synthetic_spec("nodes=5000,like=products,seed=7");
  EXPECT_EQ(small.nodes, 5000);
  EXPECT_DOUBLE_EQ(small.degree, 50.52);
  EXPECT_EQ(small.seed, 7u);
  // The shape's expected size is what the memory estimate reads before generating.
  const GraphShape shape = expected_shape(parse_synthetic_spec("like=arxiv"));
  EXPECT_EQ(shape.nodes, 169343);
  EXPECT_NEAR(static_cast<double>(shape.adjacency_entries), 169343 * 13.77, 0.05 * 169343 * 13.77);
  try {
    parse_synthetic_spec("like=ogbn-mag");
    FAIL() << "an unknown shape was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("papers100m"), std::string::npos) << e.what();  // lists the known ones
  }
  EXPECT_THROW(parse_synthetic_spec("like=arxiv,like=reddit"), Error);
}

TEST(SyntheticSpec, AcceptsTheLargestDegree) {
  EXPECT_EQ(parse_synthetic_spec("nodes=100,degree=99,features=8,classes=3,seed=1").degree, 99);
}

// Absurd sizes are refused before any work, naming the size, the limit and the way around it.
// Every size here is beyond any machine this runs on (hundreds of TB), or scaled to this one.
TEST(SyntheticSpec, AbsurdSizesFailAtOnceNamingTheLimit) {
  const auto start = std::chrono::steady_clock::now();
  // 1e8 nodes x 1e6 edges: 1e14 entries of 8 bytes.
  EXPECT_ERROR_WITH(synthetic("nodes=100000000,degree=1000000,features=1,classes=2,seed=0"),
                    "synthetic adjacency entries", "of memory", "ask for fewer nodes");
  // 1e6 nodes x 1e8 dense features.
  EXPECT_ERROR_WITH(synthetic("nodes=1000000,degree=2,features=100000000,classes=2,seed=0"), "synthetic features",
                    "of memory", "fewer features");
  // Sizes whose product overflows 64 bits on the way.
  EXPECT_ERROR_WITH(synthetic("nodes=2000000000,degree=2000000000,features=2000000000,classes=2,seed=0"), "synthetic");
  // Adjacency and features each take 60% of this machine's memory: each fits, both do not.
  const uint64_t memory = physical_memory_bytes();
  if (memory != 0) {
    const int64_t n = 1'000'000;
    const int64_t per_node = static_cast<int64_t>(0.6 * static_cast<double>(memory) / 8.0 / static_cast<double>(n));
    const std::string spec = "nodes=1000000,degree=" + std::to_string(per_node & ~int64_t{1}) +
                             ",features=" + std::to_string(per_node) + ",classes=2,seed=0";
    EXPECT_ERROR_WITH(synthetic(spec), "needs about", "more than this machine's", "of memory");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0) << "refusing must not first generate anything";
}

TEST(Synthetic, SameSeedGivesTheSameGraphAndFeatures) {
  for (const char* spec : {"nodes=500,degree=7,features=24,classes=4,seed=11",
                           "nodes=500,degree=7,features=300,classes=4,seed=11,density=0.05"}) {
    SCOPED_TRACE(spec);
    expect_identical(synthetic(spec), synthetic(spec));
  }
}

// The generator runs on all cores; a spec must give the same bytes on 1 thread as on 4 (the
// graphs are larger than the parallel loops' chunks, so every thread gets rows).
TEST(Synthetic, ThreadCountDoesNotChangeTheGraph) {
  const int before = omp_get_max_threads();
  for (const char* spec : {"nodes=70000,degree=12,features=8,classes=5,seed=3",
                           "nodes=70000,degree=5,features=400,classes=5,seed=3,density=0.02"}) {
    SCOPED_TRACE(spec);
    omp_set_num_threads(1);
    const Dataset one = synthetic(spec);
    omp_set_num_threads(4);
    const Dataset four = synthetic(spec);
    expect_identical(one, four);
  }
  omp_set_num_threads(before);
}

TEST(Synthetic, DifferentSeedGivesADifferentGraph) {
  const Dataset a = synthetic("nodes=500,degree=7,features=24,classes=4,seed=11");
  const Dataset b = synthetic("nodes=500,degree=7,features=24,classes=4,seed=12");
  EXPECT_NE(a.adjacency.col, b.adjacency.col);
  EXPECT_NE(a.features.val, b.features.val);
  EXPECT_NE(a.labels, b.labels);
  EXPECT_NE(a.name, b.name);
}

TEST(Synthetic, GraphInvariantsDegreeAndHomophily) {
  const int64_t n = 20000;
  const Dataset d = synthetic("nodes=20000,degree=10,features=16,classes=5,seed=3");
  validate(d, "synthetic");  // sizes, label range, no self loops, labelled splits
  EXPECT_EQ(d.num_nodes, n);
  EXPECT_EQ(d.num_features, 16);
  EXPECT_EQ(d.num_classes, 5);
  const Csr<float>& a = d.adjacency;
  int64_t same_class = 0;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t k = a.row_ptr[r]; k < a.row_ptr[r + 1]; ++k) {
      const int32_t c = a.col[k];
      if (k > a.row_ptr[r]) {
        ASSERT_LT(a.col[k - 1], c) << "row " << r << " not ascending and unique";
      }
      // Symmetric: r appears in row c.
      ASSERT_TRUE(
          std::binary_search(a.col.begin() + a.row_ptr[c], a.col.begin() + a.row_ptr[c + 1], static_cast<int32_t>(r)))
          << r << " -> " << c;
      same_class += d.labels[r] == d.labels[c];
    }
  // Each node draws degree/2 endpoints and every edge is stored in both rows: a mean degree of
  // about `degree`, a little less from the rare repeats.
  const double mean_degree = static_cast<double>(a.nnz()) / static_cast<double>(n);
  EXPECT_NEAR(mean_degree, 10.0, 0.5);
  // homophily 0.8 plus the 1/5 of random endpoints that land in the same class: 0.84.
  EXPECT_NEAR(static_cast<double>(same_class) / static_cast<double>(a.nnz()), 0.84, 0.02);
  // Classes differ in size by at most one.
  std::vector<int64_t> sizes(5, 0);
  for (int32_t label : d.labels) ++sizes[label];
  for (int64_t s : sizes) EXPECT_EQ(s, n / 5);
  // Planetoid-like split: 20 per class for training, 500 val, 1000 test.
  EXPECT_EQ(d.count(Split::Train), 100);
  EXPECT_EQ(d.count(Split::Val), 500);
  EXPECT_EQ(d.count(Split::Test), 1000);
}

TEST(Synthetic, SmallGraphScalesTheSplitDown) {
  const Dataset d = synthetic("nodes=100,degree=4,features=8,classes=3,seed=0");
  validate(d, "synthetic");
  EXPECT_GE(d.count(Split::Train), 3);  // at least one per class
  EXPECT_GT(d.count(Split::Val), 0);
  EXPECT_GT(d.count(Split::Test), 0);
  EXPECT_LE(d.count(Split::Train) + d.count(Split::Val) + d.count(Split::Test), 100);
}

TEST(Synthetic, SparseFeaturesAreBinaryWithTheRequestedDensity) {
  const Dataset d = synthetic("nodes=2000,degree=4,features=500,classes=4,seed=5,density=0.02");
  validate(d, "synthetic");
  for (float v : d.features.val) ASSERT_EQ(v, 1.0f);
  const double per_row = static_cast<double>(d.features.nnz()) / 2000.0;
  EXPECT_NEAR(per_row, 10.0, 0.5);  // 0.02 x 500 draws, a few repeats removed
}

// The point of the generator: a GCN must learn the classes from features and neighbours.
TEST(Synthetic, CpuRefReachesWellAboveChance) {
  const Dataset d = synthetic("nodes=1200,degree=8,features=32,classes=4,seed=2");
  const Problem problem = make_problem(d, preset_config("kipf"));
  auto backend = make_backend("cpu-ref", {});
  backend->load(problem);
  TrainOptions options;
  options.seeds = {0};
  const std::vector<RunResult> runs = train(*backend, problem, options);
  const double chance = 1.0 / 4;
  std::printf("synthetic 1200 nodes, 4 classes: cpu-ref kipf test accuracy %.4f (chance %.2f)\n", runs[0].test.accuracy,
              chance);
  EXPECT_GE(runs[0].test.accuracy, 2 * chance);
}

// Dense features of many columns (the default form): the hint must survive 256 columns of noise
// and row normalisation. The earlier generator sat at chance here (0.13 for 8 classes).
TEST(Synthetic, DenseManyFeaturesReachWellAboveChance) {
  const Dataset d = synthetic("nodes=2000,degree=10,features=256,classes=8,seed=3");
  ModelConfig config = preset_config("kipf");
  config.epochs = 100;
  const Problem problem = make_problem(d, config);
  auto backend = make_backend("cpu-ref", {});
  backend->load(problem);
  TrainOptions options;
  options.seeds = {0};
  const std::vector<RunResult> runs = train(*backend, problem, options);
  const double chance = 1.0 / 8;
  std::printf("synthetic 2000 nodes, 256 dense features, 8 classes: cpu-ref kipf test accuracy %.4f (chance %.3f)\n",
              runs[0].test.accuracy, chance);
  EXPECT_GE(runs[0].test.accuracy, 3 * chance);
}

// The shape the memory estimate uses before generating: split counts exact, stored entries at
// most the expectation's upper bound and within a few percent of it (repeats and self loops
// are all the generator drops), on graphs small, scaled-down and sparse-featured.
TEST(Synthetic, ExpectedShapeMatchesTheGeneratedGraph) {
  for (const char* text :
       {"nodes=2000,degree=10,features=256,classes=8,seed=3", "nodes=300,degree=6,features=40,classes=7,seed=1",
        "nodes=50000,degree=20,features=500,classes=16,seed=2,density=0.02",
        "nodes=9,degree=2,features=3,classes=9,seed=0"}) {
    SCOPED_TRACE(text);
    const SyntheticSpec spec = parse_synthetic_spec(text);
    const GraphShape expected = expected_shape(spec);
    const GraphShape actual = shape_of(generate_synthetic(spec));
    EXPECT_TRUE(expected.expected);
    EXPECT_EQ(expected.nodes, actual.nodes);
    EXPECT_EQ(expected.features, actual.features);
    EXPECT_EQ(expected.classes, actual.classes);
    EXPECT_EQ(expected.train, actual.train);
    EXPECT_EQ(expected.val, actual.val);
    EXPECT_EQ(expected.test, actual.test);
    const double a = static_cast<double>(actual.adjacency_entries), e = static_cast<double>(expected.adjacency_entries);
    EXPECT_NEAR(a / e, 1.0, spec.nodes >= 2000 ? 0.05 : 0.5)
        << actual.adjacency_entries << " vs " << expected.adjacency_entries;
    const double fa = static_cast<double>(actual.feature_entries), fe = static_cast<double>(expected.feature_entries);
    EXPECT_LE(fa, fe * 1.02);
    EXPECT_NEAR(fa / fe, 1.0, 0.05) << actual.feature_entries << " vs " << expected.feature_entries;
  }
}

}  // namespace
}  // namespace gcn
