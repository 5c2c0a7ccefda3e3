#include "model/problem_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <fstream>
#include <random>

#include "core/error.hpp"
#include "data/npy.hpp"
#include "model/config_json.hpp"
#include "support/tiny_problem.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;

fs::path fresh_temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("gcnbench-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(Npy, RoundTripsEveryDtypeWithAlignedHeader) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  const fs::path dir = fresh_temp_dir("npy");
  fs::create_directories(dir);
  std::vector<float> f(rng() % 1000);
  for (auto& v : f) v = std::uniform_real_distribution<float>(-1, 1)(rng);
  std::vector<int64_t> i64{0, -1, int64_t(1) << 40};
  std::vector<uint8_t> u8{0, 1, 2, 3, 255};
  std::vector<int32_t> empty;
  write_npy((dir / "f.npy").string(), f);
  write_npy((dir / "i64.npy").string(), i64);
  write_npy((dir / "u8.npy").string(), u8);
  write_npy((dir / "empty.npy").string(), empty);
  EXPECT_EQ(read_npy<float>((dir / "f.npy").string()), f);  // bit-exact: no conversion anywhere
  EXPECT_EQ(read_npy<int64_t>((dir / "i64.npy").string()), i64);
  EXPECT_EQ(read_npy<uint8_t>((dir / "u8.npy").string()), u8);
  EXPECT_TRUE(read_npy<int32_t>((dir / "empty.npy").string()).empty());
  // The data starts at a multiple of 64 bytes, as numpy writes it.
  EXPECT_EQ((fs::file_size(dir / "f.npy") - f.size() * sizeof(float)) % 64, 0u);
  EXPECT_THROW(read_npy<int32_t>((dir / "f.npy").string()), Error);  // dtype mismatch
  EXPECT_THROW(read_npy<float>((dir / "missing.npy").string()), Error);
  fs::remove_all(dir);
}

TEST(Export, WritesFilesThatReadBackIdentically) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Problem p = testing::tiny_problem(seed, 30, 7, 4, "mlx-gcn");
  p.config.hidden = 5;
  const fs::path dir = fresh_temp_dir("export");
  export_problem(p, dir.string());
  EXPECT_FALSE(fs::exists(dir.string() + ".tmp-" + std::to_string(::getpid())));

  EXPECT_EQ(read_npy<int64_t>((dir / "adj_indptr.npy").string()), p.adjacency.row_ptr);
  EXPECT_EQ(read_npy<int32_t>((dir / "adj_indices.npy").string()), p.adjacency.col);
  EXPECT_EQ(read_npy<float>((dir / "adj_data.npy").string()), p.adjacency.val);
  EXPECT_EQ(read_npy<int64_t>((dir / "feat_indptr.npy").string()), p.features.row_ptr);
  EXPECT_EQ(read_npy<int32_t>((dir / "feat_indices.npy").string()), p.features.col);
  EXPECT_EQ(read_npy<float>((dir / "feat_data.npy").string()), p.features.val);
  EXPECT_EQ(read_npy<int32_t>((dir / "labels.npy").string()), p.labels);
  const auto split = read_npy<uint8_t>((dir / "split.npy").string());
  ASSERT_EQ(split.size(), p.split.size());
  for (size_t i = 0; i < split.size(); ++i) EXPECT_EQ(split[i], static_cast<uint8_t>(p.split[i])) << "node " << i;

  std::ifstream in(dir / "problem.json");
  const auto meta = nlohmann::json::parse(in);
  EXPECT_EQ(meta.at("format"), "gcnbench-problem-1");
  EXPECT_EQ(meta.at("dataset"), p.dataset_name);
  EXPECT_EQ(meta.at("num_nodes"), 30);
  EXPECT_EQ(meta.at("num_features"), 7);
  EXPECT_EQ(meta.at("num_classes"), 4);
  EXPECT_EQ(meta.at("num_train"), p.num_train);
  EXPECT_EQ(meta.at("num_val"), p.num_val);
  EXPECT_EQ(meta.at("num_test"), p.num_test);
  const auto& config = meta.at("config");
  EXPECT_EQ(config.size(), 18u);  // every ModelConfig field: update with config.hpp
  EXPECT_EQ(config.at("preset"), "mlx-gcn");
  EXPECT_EQ(config.at("hidden"), 5);
  EXPECT_EQ(config.at("adjacency"), "dense");
  EXPECT_EQ(config.at("features"), "dense");
  EXPECT_EQ(config.at("bias_before_aggregation"), true);
  EXPECT_EQ(config.at("val_from_train_forward"), true);
  EXPECT_DOUBLE_EQ(config.at("weight_decay").get<double>(), 5e-3);

  // A second export replaces the first; a directory that is not an export is never replaced.
  p.config.hidden = 6;
  export_problem(p, dir.string());
  std::ifstream again(dir / "problem.json");
  EXPECT_EQ(nlohmann::json::parse(again).at("config").at("hidden"), 6);
  const fs::path other = fresh_temp_dir("not-an-export");
  fs::create_directories(other);
  std::ofstream(other / "keep.txt") << "mine";
  EXPECT_THROW(export_problem(p, other.string()), Error);
  EXPECT_TRUE(fs::exists(other / "keep.txt"));
  // Nor is an export that holds anything else (a file or a folder of the user's): once its
  // problem.json let the whole directory be deleted.
  std::ofstream(dir / "notes.txt") << "mine";
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "data.bin") << "mine too";
  try {
    export_problem(p, dir.string());
    ADD_FAILURE() << "an export directory holding the user's files was replaced";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("which an export does not write"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir / "sub" / "data.bin"));
  EXPECT_TRUE(fs::exists(dir / "problem.json"));
  fs::remove_all(dir);
  fs::remove_all(other);
}

TEST(Export, FailsNamingAnUnwritablePath) {
  const Problem p = testing::tiny_problem(1);
  try {
    export_problem(p, "/proc/gcnbench-cannot-write-here/x");
    FAIL() << "expected gcn::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/gcnbench-cannot-write-here"), std::string::npos) << e.what();
  }
}

TEST(Import, ReadsBackTheProblemItWasExportedFrom) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (const char* preset : {"kipf", "mlx-gcn"}) {
    Problem p = testing::tiny_problem(seed, 40, 9, 3, preset);
    p.config.hidden = 7;
    p.config.lr = 0.0123;
    const fs::path dir = fresh_temp_dir(std::string("import-") + preset);
    export_problem(p, dir.string());
    const Problem q = import_problem(dir.string());
    EXPECT_EQ(q.dataset_name, p.dataset_name);
    EXPECT_EQ(config_to_json(q.config), config_to_json(p.config)) << preset;
    EXPECT_EQ(q.num_nodes, p.num_nodes);
    EXPECT_EQ(q.num_features, p.num_features);
    EXPECT_EQ(q.num_classes, p.num_classes);
    EXPECT_EQ(q.adjacency.row_ptr, p.adjacency.row_ptr);
    EXPECT_EQ(q.adjacency.col, p.adjacency.col);
    EXPECT_EQ(q.adjacency.val, p.adjacency.val);  // bit-exact
    EXPECT_EQ(q.features.cols, p.features.cols);
    EXPECT_EQ(q.features.row_ptr, p.features.row_ptr);
    EXPECT_EQ(q.features.col, p.features.col);
    EXPECT_EQ(q.features.val, p.features.val);
    EXPECT_EQ(q.labels, p.labels);
    EXPECT_EQ(q.split, p.split);
    EXPECT_EQ(q.num_train, p.num_train);
    EXPECT_EQ(q.num_val, p.num_val);
    EXPECT_EQ(q.num_test, p.num_test);
    fs::remove_all(dir);
  }
}

// Each corruption of an export fails naming the file it is in.
TEST(Import, RefusesACorruptExportNamingTheFile) {
  const Problem p = testing::tiny_problem(3, 30, 7, 4);
  const fs::path dir = fresh_temp_dir("import-bad");
  struct Corruption {
    const char* file;
    std::function<void(const fs::path&)> apply;
  };
  const std::vector<Corruption> corruptions = {
      {"problem.json", [](const fs::path& d) { std::ofstream(d / "problem.json") << "{\"format\": \"other-1\"}"; }},
      {"problem.json", [](const fs::path& d) { std::ofstream(d / "problem.json") << "{not json"; }},
      {"problem.json",
       [](const fs::path& d) {
         std::ifstream in(d / "problem.json");
         auto meta = nlohmann::json::parse(in);
         meta["config"]["dropout"] = "half";
         std::ofstream(d / "problem.json") << meta.dump();
       }},
      {"problem.json",
       [](const fs::path& d) {
         std::ifstream in(d / "problem.json");
         auto meta = nlohmann::json::parse(in);
         meta["config"].erase("lr");
         std::ofstream(d / "problem.json") << meta.dump();
       }},
      {"split.npy",
       [](const fs::path& d) {
         std::ifstream in(d / "problem.json");
         auto meta = nlohmann::json::parse(in);
         meta["num_train"] = meta["num_train"].get<int64_t>() + 1;
         std::ofstream(d / "problem.json") << meta.dump();
       }},
      {"labels.npy", [](const fs::path& d) { write_npy((d / "labels.npy").string(), std::vector<int32_t>(30, 4)); }},
      {"labels.npy", [](const fs::path& d) { write_npy((d / "labels.npy").string(), std::vector<int32_t>(29, 0)); }},
      {"split.npy", [](const fs::path& d) { write_npy((d / "split.npy").string(), std::vector<uint8_t>(30, 7)); }},
      {"feat_indices.npy",
       [](const fs::path& d) {
         auto col = read_npy<int32_t>((d / "feat_indices.npy").string());
         col.back() = 7;  // one past the 7 feature columns
         write_npy((d / "feat_indices.npy").string(), col);
       }},
      {"adj_data.npy",
       [](const fs::path& d) {
         auto val = read_npy<float>((d / "adj_data.npy").string());
         val.front() = std::numeric_limits<float>::quiet_NaN();
         write_npy((d / "adj_data.npy").string(), val);
       }},
      {"adj_indptr.npy", [](const fs::path& d) { fs::remove(d / "adj_indptr.npy"); }},
  };
  for (size_t i = 0; i < corruptions.size(); ++i) {
    SCOPED_TRACE("corruption " + std::to_string(i) + " of " + corruptions[i].file);
    fs::remove_all(dir);
    export_problem(p, dir.string());
    corruptions[i].apply(dir);
    try {
      import_problem(dir.string());
      ADD_FAILURE() << "a corrupt export was read";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(corruptions[i].file), std::string::npos) << e.what();
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gcn
