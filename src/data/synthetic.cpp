// Seeded synthetic graphs: a planted partition (stochastic block model) with class-correlated
// features, for benchmarking at sizes no public dataset has. Deterministic for a spec on every
// machine and for any thread count (gcn::Rng only, no <random> distributions; one stream per node),
// O(edges) time and memory, on all cores (OpenMP).
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <type_traits>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/rng.hpp"
#include "data/csr_build.hpp"
#include "data/loaders.hpp"

namespace gcn {
namespace {

[[noreturn]] void spec_fail(const std::string& message) { fail("synthetic spec: " + message); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
T parse_integer(std::string_view key, std::string_view value) {
  T out{};
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec == std::errc::result_out_of_range) spec_fail(std::string(key) + "=" + std::string(value) + " is out of range");
  if (ec != std::errc() || ptr != end || value.empty())
    spec_fail(std::string(key) + "=" + std::string(value) +
              (std::is_unsigned_v<T> ? " is not a non-negative integer" : " is not an integer"));
  return out;
}

double parse_real(std::string_view key, std::string_view value) {
  double out = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc() || ptr != end || value.empty() || !std::isfinite(out))
    spec_fail(std::string(key) + "=" + std::string(value) + " is not a finite number");
  return out;
}

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

// The sizes and ranges every spec must satisfy, whether parsed or built in code.
void check_spec(const SyntheticSpec& s) {
  if (s.nodes <= 0 || s.nodes > INT32_MAX)
    spec_fail("nodes=" + std::to_string(s.nodes) + " must be in 1.." + std::to_string(INT32_MAX));
  if (s.features <= 0 || s.features > INT32_MAX)
    spec_fail("features=" + std::to_string(s.features) + " must be in 1.." + std::to_string(INT32_MAX));
  if (s.classes <= 0) spec_fail("classes=" + std::to_string(s.classes) + " must be positive");
  if (s.classes > s.nodes)
    spec_fail("classes=" + std::to_string(s.classes) + " is more than nodes=" + std::to_string(s.nodes));
  if (!(s.degree >= 0) || !std::isfinite(s.degree)) spec_fail("degree=" + format_number(s.degree) + " must be >= 0");
  if (s.degree > static_cast<double>(s.nodes - 1))
    spec_fail("degree=" + format_number(s.degree) + " is more than nodes-1=" + std::to_string(s.nodes - 1));
  if (!(s.feature_density > 0 && s.feature_density <= 1))
    spec_fail("density=" + format_number(s.feature_density) + " must be in (0, 1]");
  if (!(s.homophily >= 0 && s.homophily <= 1))
    spec_fail("homophily=" + format_number(s.homophily) + " must be in [0, 1]");
}

// Everything the generator will hold at once, checked before any of it is built, so an absurd
// spec fails at once with the size and the limit instead of after minutes of work or an OOM kill.
// The adjacency bound is exact: node i draws at most ceil(degree/2) endpoints, each stored twice.
void check_spec_fits_memory(const SyntheticSpec& s) {
  const auto draws_per_node = static_cast<int64_t>(std::ceil(s.degree / 2));
  const int64_t feature_entries_per_node =
      s.feature_density >= 1 ? s.features
                             : static_cast<int64_t>(std::ceil(s.feature_density * static_cast<double>(s.features)));
  const char* hint = "ask for fewer nodes, a lower degree or fewer features";
  const size_t entry_bytes = sizeof(int32_t) + sizeof(float);
  // Per node: two row-offset arrays, labels, the class permutation and the class-grouped node list.
  const size_t per_node =
      checked_element_count(s.nodes, 1, 2 * sizeof(int64_t) + 3 * sizeof(int32_t), "synthetic per-node arrays", hint);
  const size_t adjacency =
      checked_element_count(s.nodes, 2 * draws_per_node, entry_bytes, "synthetic adjacency entries", hint);
  const size_t features =
      checked_element_count(s.nodes, feature_entries_per_node, entry_bytes, "synthetic features", hint);
  const size_t columns = checked_element_count(s.features, 2, sizeof(int32_t), "synthetic column permutation", hint);
  // Each count passed its own check, so none of these products overflows.
  const uint64_t bytes = per_node * (2 * sizeof(int64_t) + 3 * sizeof(int32_t)) + (adjacency + features) * entry_bytes +
                         columns * sizeof(int32_t);
  const uint64_t limit = physical_memory_bytes();
  if (limit != 0 && bytes > limit)
    spec_fail("nodes=" + std::to_string(s.nodes) + ", degree=" + format_number(s.degree) +
              ", features=" + std::to_string(s.features) + " needs about " + format_bytes(bytes) +
              ", more than this machine's " + format_bytes(limit) + " of memory; " + hint);
}

// Independent, reproducible random streams: one per (purpose, node), so the two passes over the
// edges draw exactly the same endpoints without storing them.
enum Stream : uint64_t { ClassStream = 1, EdgeStream = 2, FeatureStream = 3, CentroidStream = 4 };
Rng stream_rng(uint64_t seed, Stream stream, uint64_t index) {
  uint64_t state = seed ^ (static_cast<uint64_t>(stream) << 56);
  state = splitmix64(state) ^ index;
  return Rng(splitmix64(state));
}

// How many of a count with a fractional expectation: floor(x) plus one with probability frac(x).
int64_t stochastic_round(double x, Rng& rng) {
  const double whole = std::floor(x);
  return static_cast<int64_t>(whole) + (rng.uniform() < x - whole ? 1 : 0);
}

// Planetoid-like split: 20 train nodes per class (the first in id order of each class; ids are
// already in random class order), then 500 val and 1000 test among the rest in id order. A graph
// smaller than 20*C + 1500 nodes gets all three scaled down by nodes / (20*C + 1500), with at
// least one train node per class.
struct SplitQuota {
  int64_t per_class = 20, val = 500, test = 1000;
};

SplitQuota split_quota(int64_t n, int classes) {
  SplitQuota q;
  const int64_t wanted = q.per_class * classes + q.val + q.test;
  if (n < wanted) {
    const double scale = static_cast<double>(n) / static_cast<double>(wanted);
    q.per_class = std::max<int64_t>(1, static_cast<int64_t>(std::floor(20 * scale)));
    q.val = static_cast<int64_t>(std::floor(500 * scale));
    q.test = static_cast<int64_t>(std::floor(1000 * scale));
  }
  return q;
}

std::vector<Split> make_split(const std::vector<int32_t>& labels, int classes) {
  const auto n = static_cast<int64_t>(labels.size());
  auto [per_class, val, test] = split_quota(n, classes);
  std::vector<Split> split(static_cast<size_t>(n), Split::None);
  std::vector<int64_t> taken(static_cast<size_t>(classes), 0);
  for (int64_t i = 0; i < n; ++i)
    if (taken[labels[i]] < per_class) {
      ++taken[labels[i]];
      split[i] = Split::Train;
    }
  for (int64_t i = 0; i < n && (val > 0 || test > 0); ++i) {
    if (split[i] != Split::None) continue;
    if (val > 0) {
      split[i] = Split::Val;
      --val;
    } else {
      split[i] = Split::Test;
      --test;
    }
  }
  return split;
}

}  // namespace

SyntheticSplitCounts synthetic_split_counts(const SyntheticSpec& spec) {
  check_spec(spec);
  const SplitQuota q = split_quota(spec.nodes, spec.classes);
  // Classes are i % C over a permutation: the first nodes % C classes have one node more.
  const int64_t small = spec.nodes / spec.classes, larger = spec.nodes % spec.classes;
  SyntheticSplitCounts counts;
  counts.train = larger * std::min(q.per_class, small + 1) + (spec.classes - larger) * std::min(q.per_class, small);
  counts.val = std::min(q.val, spec.nodes - counts.train);
  counts.test = std::min(q.test, spec.nodes - counts.train - counts.val);
  return counts;
}

namespace {

// The shapes of public graphs people benchmark GCNs on (the README's "Data formats" says where each count
// comes from). degree is stored entries per node, as the generator's mean degree counts them.
struct PublicShape {
  const char* name;
  int64_t nodes;
  double degree;
  int64_t features;
  int classes;
};

constexpr PublicShape kPublicShapes[] = {
    {"arxiv", 169343, 13.77, 128, 40},           // ogbn-arxiv: 1,166,243 edges, made undirected
    {"reddit", 232965, 492.0, 602, 41},          // Reddit (Hamilton et al. 2017): 114,615,892 directed edges
    {"products", 2449029, 50.52, 100, 47},       // ogbn-products: 61,859,140 undirected edges
    {"papers100m", 111059956, 29.10, 128, 172},  // ogbn-papers100M: 1,615,685,872 edges, made undirected
};

const PublicShape& public_shape(std::string_view name) {
  for (const auto& shape : kPublicShapes)
    if (name == shape.name) return shape;
  std::string known;
  for (const auto& shape : kPublicShapes) known += (known.empty() ? "" : ", ") + std::string(shape.name);
  spec_fail("like=" + std::string(name) + ": no such shape (known: " + known + ")");
}

}  // namespace

SyntheticSpec parse_synthetic_spec(const std::string& text) {
  SyntheticSpec spec;
  std::string_view rest = text;
  constexpr int kKeys = 8;
  bool seen[kKeys] = {};
  const char* keys[kKeys] = {"nodes", "degree", "features", "classes", "seed", "density", "homophily", "like"};
  const char* const key_list = "keys: nodes, degree, features, classes, seed, density, homophily, like";
  std::string_view like;
  if (trim(rest).empty()) spec_fail("empty; expected nodes=N,degree=D,features=F,classes=C,seed=S or like=NAME");
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      spec_fail(std::string(item).insert(0, 1, '\'') + "' is not key=value (" + key_list + ")");
    const std::string_view key = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    const auto k = std::find(std::begin(keys), std::end(keys), key) - std::begin(keys);
    if (k == kKeys) spec_fail("unknown key '" + std::string(key) + "' (" + key_list + ")");
    if (seen[k]) spec_fail("key '" + std::string(key) + "' given twice");
    seen[k] = true;
    switch (k) {
      case 0:
        spec.nodes = parse_integer<int64_t>(key, value);
        break;
      case 1:
        spec.degree = parse_real(key, value);
        break;
      case 2:
        spec.features = parse_integer<int64_t>(key, value);
        break;
      case 3:
        spec.classes = parse_integer<int>(key, value);
        break;
      case 4:
        spec.seed = parse_integer<uint64_t>(key, value);
        break;
      case 5:
        spec.feature_density = parse_real(key, value);
        break;
      case 6:
        spec.homophily = parse_real(key, value);
        break;
      case 7:
        like = value;
        break;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  // like=NAME gives the shape of a public graph, seed 0; a key given beside it overrides it.
  if (!like.empty()) {
    const PublicShape& shape = public_shape(like);
    if (!seen[0]) spec.nodes = shape.nodes;
    if (!seen[1]) spec.degree = shape.degree;
    if (!seen[2]) spec.features = shape.features;
    if (!seen[3]) spec.classes = shape.classes;
    for (int k = 0; k < 5; ++k) seen[k] = true;
  }
  // The five size keys have no sensible default: a graph the user did not describe is not the
  // one they meant to benchmark. density and homophily are refinements and may be left out.
  std::string missing;
  for (int k = 0; k < 5; ++k)
    if (!seen[k]) missing += (missing.empty() ? "'" : ", '") + std::string(keys[k]) + "'";
  if (!missing.empty())
    spec_fail("missing " + missing + " (a spec needs nodes=N,degree=D,features=F,classes=C,seed=S, or like=NAME)");
  check_spec(spec);
  return spec;
}

Dataset generate_synthetic(const SyntheticSpec& spec) {
  check_spec(spec);
  check_spec_fits_memory(spec);
  const int64_t n = spec.nodes;
  const int64_t f = spec.features;
  const int c = spec.classes;
  Dataset data;
  data.name = "synthetic-n" + std::to_string(n) + "-d" + format_number(spec.degree) + "-f" + std::to_string(f) + "-c" +
              std::to_string(c) + "-s" + std::to_string(spec.seed);
  // Only non-default values extend the name, so the common names stay as documented.
  if (spec.feature_density != SyntheticSpec{}.feature_density) data.name += "-p" + format_number(spec.feature_density);
  if (spec.homophily != SyntheticSpec{}.homophily) data.name += "-h" + format_number(spec.homophily);
  data.num_nodes = n;
  data.num_features = f;
  data.num_classes = c;

  // Classes: i % C over a seeded permutation, so class sizes differ by at most one.
  {
    std::vector<int32_t> perm(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) perm[i] = static_cast<int32_t>(i);
    Rng rng = stream_rng(spec.seed, ClassStream, 0);
    for (int64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(static_cast<uint64_t>(i) + 1)]);
    data.labels.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) data.labels[perm[i]] = static_cast<int32_t>(i % c);
  }
  // Nodes grouped by class (counting sort), to draw a random node of a given class in O(1).
  std::vector<int64_t> class_begin(static_cast<size_t>(c) + 1, 0);
  std::vector<int32_t> members(static_cast<size_t>(n));
  {
    for (int32_t label : data.labels) ++class_begin[label + 1];
    for (int k = 0; k < c; ++k) class_begin[k + 1] += class_begin[k];
    std::vector<int64_t> next(class_begin.begin(), class_begin.end() - 1);
    for (int64_t i = 0; i < n; ++i) members[next[data.labels[i]]++] = static_cast<int32_t>(i);
  }

  // Edges: node i draws about degree/2 endpoints j (a same-class node with probability
  // `homophily`, else any node), and (i, j) is stored in both rows, so the mean undirected degree
  // is about `degree`. Two passes with the same per-node streams: count, then scatter; self
  // loops are redrawn a few times and then dropped, repeats are removed per row at the end.
  const auto for_each_edge = [&](int64_t i, auto&& emit) {
    Rng rng = stream_rng(spec.seed, EdgeStream, static_cast<uint64_t>(i));
    const int64_t draws = stochastic_round(spec.degree / 2, rng);
    const int32_t label = data.labels[i];
    const int64_t class_size = class_begin[label + 1] - class_begin[label];
    for (int64_t d = 0; d < draws; ++d) {
      for (int attempt = 0; attempt < 4; ++attempt) {
        int64_t j;
        if (rng.uniform() < spec.homophily)
          j = members[class_begin[label] + static_cast<int64_t>(rng.below(static_cast<uint64_t>(class_size)))];
        else
          j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
        if (j != i) {
          emit(static_cast<int32_t>(j));
          break;
        }
      }
    }
  };
  Csr<float>& a = data.adjacency;
  a.rows = a.cols = n;
  a.row_ptr.assign(static_cast<size_t>(n) + 1, 0);
  // Both passes run on all cores. The counts are sums (the same in any order); the scatter's order
  // within a row is not, but sort_dedupe_rows sorts every row, so the result is the same bytes
  // for any thread count.
  const auto count = [](int64_t& slot) { std::atomic_ref<int64_t>(slot).fetch_add(1, std::memory_order_relaxed); };
#pragma omp parallel for schedule(dynamic, 8192)
  for (int64_t i = 0; i < n; ++i)
    for_each_edge(i, [&](int32_t j) {
      count(a.row_ptr[i + 1]);
      count(a.row_ptr[static_cast<size_t>(j) + 1]);
    });
  for (int64_t i = 0; i < n; ++i) a.row_ptr[i + 1] += a.row_ptr[i];
  a.col.resize(checked_element_count(a.row_ptr[n], 1, 2 * sizeof(float), "synthetic adjacency entries",
                                     "ask for fewer nodes or a lower degree"));
  {
    std::vector<int64_t> next(a.row_ptr.begin(), a.row_ptr.end() - 1);
    const auto slot = [&](int64_t row) {
      return static_cast<size_t>(std::atomic_ref<int64_t>(next[row]).fetch_add(1, std::memory_order_relaxed));
    };
#pragma omp parallel for schedule(dynamic, 8192)
    for (int64_t i = 0; i < n; ++i)
      for_each_edge(i, [&](int32_t j) {
        a.col[slot(i)] = j;
        a.col[slot(j)] = static_cast<int32_t>(i);
      });
  }
  detail::sort_dedupe_rows(a);

  // Features. Each class owns a block of about F/C columns: a seeded column permutation cut into
  // C blocks, shared by the dense and the sparse forms. The class hint is a fixed excess of a
  // row's mass in its own block, q = 1/sqrt(2 k C) with k = min(words per row, 30): one spread
  // of a 30-word row apart (a weak hint per node, sharpened by pooling mostly same-class
  // neighbours). Capping k keeps rows of many words learnable: the excess shrinking with
  // 1/sqrt(k) left 300- and 602-feature rows at chance accuracy.
  Csr<float>& x = data.features;
  x.rows = n;
  x.cols = f;
  x.row_ptr.assign(static_cast<size_t>(n) + 1, 0);
  std::vector<int32_t> column_perm(static_cast<size_t>(f));
  for (int64_t k = 0; k < f; ++k) column_perm[k] = static_cast<int32_t>(k);
  Rng perm_rng = stream_rng(spec.seed, CentroidStream, 1);
  for (int64_t k = f - 1; k > 0; --k)
    std::swap(column_perm[k], column_perm[perm_rng.below(static_cast<uint64_t>(k) + 1)]);
  const double per_row =
      spec.feature_density >= 1 ? static_cast<double>(f) : spec.feature_density * static_cast<double>(f);
  const double q = std::min(1.0, 1.0 / std::sqrt(2.0 * std::clamp(per_row, 1.0, 30.0) * c));
  if (spec.feature_density >= 1) {
    // Dense (density 1), a soft bag of words: every value an exponential intensity of mean 1,
    // times 1 + b in the columns of the node's class block, b = C q / (1 - q) so that the block
    // holds an excess q of the row's mass, as in the sparse form. Values are positive with no
    // common offset, so row normalisation keeps the signal.
    const size_t entries = checked_element_count(n, f, sizeof(float) + sizeof(int32_t), "synthetic dense features",
                                                 "ask for fewer features or a density below 1");
    std::vector<int32_t> class_of_column(static_cast<size_t>(f), -1);
    for (int label = 0; label < c; ++label)
      for (int64_t p = label * f / c; p < (label + 1) * f / c; ++p) class_of_column[column_perm[p]] = label;
    const double boost = c * q / (1 - q);
    x.col.resize(entries);
    x.val.resize(entries);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      Rng rng = stream_rng(spec.seed, FeatureStream, static_cast<uint64_t>(i));
      const int32_t label = data.labels[i];
      const size_t base = static_cast<size_t>(i) * static_cast<size_t>(f);
      for (int64_t k = 0; k < f; ++k) {
        const double intensity = -std::log1p(-rng.uniform());  // exponential, mean 1
        x.col[base + k] = static_cast<int32_t>(k);
        x.val[base + k] = static_cast<float>(class_of_column[k] == label ? intensity * (1 + boost) : intensity);
      }
      x.row_ptr[i + 1] = static_cast<int64_t>(base) + f;
    }
  } else {
    // Sparse binary (bag of words): about density*F distinct columns per node, each drawn from
    // the node's class block of F/C columns (a seeded column permutation cut into C blocks) with
    // probability q (above), else from all columns. With k draws a row has about k*q extra hits
    // in its own block against a spread of sqrt(k/C): about one spread for rows of up to 30 words.
    const auto max_per_row = static_cast<int64_t>(std::ceil(per_row));
    checked_element_count(n, max_per_row, sizeof(float) + sizeof(int32_t), "synthetic sparse features",
                          "ask for fewer features or a lower density");
    // Two passes over the same per-node streams on all cores: the draws per row, then the columns
    // into their rows; sort_dedupe_rows then sorts and dedupes each row, as for the adjacency.
    // row_stream gives a row's stream after its first draw, the number of columns it draws.
    const auto row_stream = [&](int64_t i, int64_t& draws) {
      Rng rng = stream_rng(spec.seed, FeatureStream, static_cast<uint64_t>(i));
      draws = stochastic_round(per_row, rng);
      return rng;
    };
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) row_stream(i, x.row_ptr[i + 1]);
    for (int64_t i = 0; i < n; ++i) x.row_ptr[i + 1] += x.row_ptr[i];
    x.col.resize(static_cast<size_t>(x.row_ptr[n]));
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
      int64_t draws = 0;
      Rng rng = row_stream(i, draws);
      const int64_t label = data.labels[i];
      const int64_t block_begin = label * f / c;
      const int64_t block_size = std::max<int64_t>(1, (label + 1) * f / c - block_begin);
      for (int64_t d = 0; d < draws; ++d) {
        const bool in_block = rng.uniform() < q;
        const int64_t k =
            in_block ? column_perm[block_begin + static_cast<int64_t>(rng.below(static_cast<uint64_t>(block_size)))]
                     : static_cast<int64_t>(rng.below(static_cast<uint64_t>(f)));
        x.col[static_cast<size_t>(x.row_ptr[i] + d)] = static_cast<int32_t>(k);
      }
    }
    detail::sort_dedupe_rows(x);
  }

  data.split = make_split(data.labels, c);
  return data;
}

}  // namespace gcn
