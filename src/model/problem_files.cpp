#include "model/problem_files.hpp"

#include <unistd.h>

#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.hpp"
#include "core/read_file.hpp"
#include "data/npy.hpp"
#include "model/config_json.hpp"

namespace gcn {

namespace fs = std::filesystem;

namespace {

void check_csr(const Csr<float>& m, const std::string& what) {
  if (static_cast<int64_t>(m.row_ptr.size()) != m.rows + 1 || m.val.size() != m.col.size() ||
      (m.rows > 0 && m.row_ptr.back() != m.nnz()))
    fail("export: the " + what + " CSR is inconsistent (" + std::to_string(m.rows) + " rows, " +
         std::to_string(m.row_ptr.size()) + " row offsets, " + std::to_string(m.nnz()) + " entries)");
}

void write_csr(const Csr<float>& m, const fs::path& dir, const std::string& prefix) {
  write_npy((dir / (prefix + "_indptr.npy")).string(), m.row_ptr);
  write_npy((dir / (prefix + "_indices.npy")).string(), m.col);
  write_npy((dir / (prefix + "_data.npy")).string(), m.val);
}

void write_files(const Problem& p, const fs::path& dir) {
  const nlohmann::json meta = {
      {"format", "gcnbench-problem-1"}, {"dataset", p.dataset_name},    {"num_nodes", p.num_nodes},
      {"num_features", p.num_features}, {"num_classes", p.num_classes}, {"num_train", p.num_train},
      {"num_val", p.num_val},           {"num_test", p.num_test},       {"config", config_to_json(p.config)},
  };
  const fs::path json_path = dir / "problem.json";
  std::ofstream out(json_path);
  if (!out) fail(json_path.string() + ": cannot open for writing");
  out << meta.dump(2) << '\n';
  out.close();
  if (!out) fail(json_path.string() + ": write failed");

  write_csr(p.adjacency, dir, "adj");
  write_csr(p.features, dir, "feat");
  write_npy((dir / "labels.npy").string(), p.labels);
  std::vector<uint8_t> split(p.split.size());
  for (size_t i = 0; i < split.size(); ++i) split[i] = static_cast<uint8_t>(p.split[i]);
  write_npy((dir / "split.npy").string(), split);
}

// The files an export consists of: the only ones replacing an export may delete.
const char* const kExportFiles[] = {"problem.json",  "adj_indptr.npy",  "adj_indices.npy",
                                    "adj_data.npy",  "feat_indptr.npy", "feat_indices.npy",
                                    "feat_data.npy", "labels.npy",      "split.npy"};

// Only a previous export is replaced: a directory holding nothing but export files (and
// problem.json among them). Anything else in it, a file or a folder of the user's, stops the
// export before a byte is deleted.
void remove_previous_export(const fs::path& target) {
  std::error_code ec;
  if (fs::is_symlink(target) || !fs::is_directory(target) || !fs::exists(target / "problem.json"))
    fail(target.string() + ": exists and is not a gcnbench export (no problem.json); not replacing it");
  for (const auto& entry : fs::directory_iterator(target)) {
    const std::string name = entry.path().filename().string();
    bool known = false;
    for (const char* file : kExportFiles) known |= name == file;
    if (!known || !entry.is_regular_file())
      fail(target.string() + ": holds " + name +
           ", which an export does not write; not replacing it (choose another --out)");
  }
  for (const char* file : kExportFiles) {
    fs::remove(target / file, ec);
    if (ec) fail((target / file).string() + ": cannot remove the previous export's file: " + ec.message());
  }
  fs::remove(target, ec);
  if (ec) fail(target.string() + ": cannot remove the previous export: " + ec.message());
}

}  // namespace

void export_problem(const Problem& p, const std::string& dir) {
  check_csr(p.adjacency, "adjacency");
  check_csr(p.features, "feature");
  if (p.adjacency.rows != p.num_nodes || p.adjacency.cols != p.num_nodes || p.features.rows != p.num_nodes ||
      p.features.cols != p.num_features || static_cast<int64_t>(p.labels.size()) != p.num_nodes ||
      static_cast<int64_t>(p.split.size()) != p.num_nodes)
    fail("export: problem '" + p.dataset_name + "' has sizes that disagree with num_nodes " +
         std::to_string(p.num_nodes));

  fs::path target(dir);
  if (target.has_filename() == false) target = target.parent_path();  // "out/" -> "out"
  const fs::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) fail(target.parent_path().string() + ": cannot create directory: " + ec.message());
  }
  if (!fs::create_directory(tmp, ec) || ec) fail(tmp.string() + ": cannot create directory: " + ec.message());
  try {
    write_files(p, tmp);
    if (fs::exists(fs::symlink_status(target))) remove_previous_export(target);
    fs::rename(tmp, target, ec);
    if (ec) fail(target.string() + ": cannot rename " + tmp.string() + " to it: " + ec.message());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

namespace {

// A CSR matrix of `rows` x `cols` from the export's three arrays, checked like the text loaders
// check their input: ascending offsets from 0 to the entry count, columns inside, finite values.
Csr<float> read_csr(const fs::path& base, const std::string& prefix, int64_t rows, int64_t cols) {
  const std::string indptr_path = (base / (prefix + "_indptr.npy")).string(),
                    indices_path = (base / (prefix + "_indices.npy")).string(),
                    data_path = (base / (prefix + "_data.npy")).string();
  Csr<float> a;
  a.row_ptr = read_npy<int64_t>(indptr_path);
  a.col = read_npy<int32_t>(indices_path);
  a.val = read_npy<float>(data_path);
  if (a.row_ptr.empty()) fail(indptr_path + ": no row offsets (a CSR matrix has rows + 1 of them)");
  a.rows = static_cast<int64_t>(a.row_ptr.size()) - 1;
  a.cols = cols < 0 ? a.rows : cols;
  if (rows >= 0 && a.rows != rows)
    fail(indptr_path + ": " + std::to_string(a.rows) + " rows, problem.json says " + std::to_string(rows));
  if (a.val.size() != a.col.size())
    fail(data_path + ": " + std::to_string(a.val.size()) + " values for " + std::to_string(a.col.size()) +
         " column indices in " + indices_path);
  if (a.row_ptr.front() != 0 || a.row_ptr.back() != a.nnz())
    fail(indptr_path + ": the offsets run from " + std::to_string(a.row_ptr.front()) + " to " +
         std::to_string(a.row_ptr.back()) + ", not from 0 to the " + std::to_string(a.nnz()) + " entries");
  for (int64_t r = 0; r < a.rows; ++r)
    if (a.row_ptr[r + 1] < a.row_ptr[r]) fail(indptr_path + ": offset " + std::to_string(r + 1) + " descends");
  for (size_t i = 0; i < a.col.size(); ++i)
    if (a.col[i] < 0 || a.col[i] >= a.cols)
      fail(indices_path + ": entry " + std::to_string(i) + " has column " + std::to_string(a.col[i]) +
           ", outside the " + std::to_string(a.cols) + " columns");
  for (size_t i = 0; i < a.val.size(); ++i)
    if (!std::isfinite(a.val[i])) fail(data_path + ": entry " + std::to_string(i) + " is not finite");
  return a;
}

template <typename T>
T meta_number(const nlohmann::json& meta, const char* name, const std::string& where, int64_t lo) {
  const auto it = meta.find(name);
  if (it == meta.end() || !it->is_number_integer() || it->get<int64_t>() < lo ||
      it->get<int64_t>() > std::numeric_limits<T>::max())
    fail(where + ": \"" + std::string(name) + "\" is missing or not an integer of at least " + std::to_string(lo));
  return static_cast<T>(it->get<int64_t>());
}

}  // namespace

Csr<float> import_adjacency(const std::string& dir) { return read_csr(fs::path(dir), "adj", -1, -1); }

Problem import_problem(const std::string& dir) {
  const fs::path base(dir);
  const std::string json_path = (base / "problem.json").string();
  const std::string text = read_file(json_path);
  const nlohmann::json meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) fail(json_path + ": not a JSON object (is this a `gcnbench export` directory?)");
  if (meta.value("format", std::string()) != "gcnbench-problem-1")
    fail(json_path + ": format " + (meta.contains("format") ? meta["format"].dump() : std::string("missing")) +
         ", not \"gcnbench-problem-1\"");
  Problem p;
  p.dataset_name = meta.value("dataset", std::string());
  if (p.dataset_name.empty()) fail(json_path + ": no \"dataset\" name");
  p.num_nodes = meta_number<int64_t>(meta, "num_nodes", json_path, 1);
  p.num_features = meta_number<int64_t>(meta, "num_features", json_path, 1);
  p.num_classes = meta_number<int>(meta, "num_classes", json_path, 1);
  if (!meta.contains("config")) fail(json_path + ": no \"config\"");
  p.config = config_from_json(meta["config"], json_path);

  p.adjacency = read_csr(base, "adj", p.num_nodes, p.num_nodes);
  p.features = read_csr(base, "feat", p.num_nodes, p.num_features);
  const std::string labels_path = (base / "labels.npy").string(), split_path = (base / "split.npy").string();
  p.labels = read_npy<int32_t>(labels_path);
  if (static_cast<int64_t>(p.labels.size()) != p.num_nodes)
    fail(labels_path + ": " + std::to_string(p.labels.size()) + " labels for " + std::to_string(p.num_nodes) + " nodes");
  for (size_t i = 0; i < p.labels.size(); ++i)
    if (p.labels[i] < -1 || p.labels[i] >= p.num_classes)
      fail(labels_path + ": node " + std::to_string(i) + " has label " + std::to_string(p.labels[i]) + ", outside -1.." +
           std::to_string(p.num_classes - 1));
  const std::vector<uint8_t> split = read_npy<uint8_t>(split_path);
  if (static_cast<int64_t>(split.size()) != p.num_nodes)
    fail(split_path + ": " + std::to_string(split.size()) + " values for " + std::to_string(p.num_nodes) + " nodes");
  p.split.resize(split.size());
  for (size_t i = 0; i < split.size(); ++i) {
    if (split[i] > 3) fail(split_path + ": node " + std::to_string(i) + " has split " + std::to_string(split[i]) + ", not 0..3");
    p.split[i] = static_cast<Split>(split[i]);
    if (p.split[i] != Split::None && p.labels[i] < 0)
      fail(labels_path + ": node " + std::to_string(i) + " is in a split but has no label");
    p.num_train += p.split[i] == Split::Train;
    p.num_val += p.split[i] == Split::Val;
    p.num_test += p.split[i] == Split::Test;
  }
  const auto agree = [&](const char* name, int64_t count) {
    if (meta.value(name, int64_t{-1}) != count)
      fail(split_path + ": " + std::to_string(count) + " nodes in the split that problem.json's \"" + name + "\" counts as " +
           (meta.contains(name) ? meta[name].dump() : std::string("missing")));
  };
  agree("num_train", p.num_train);
  agree("num_val", p.num_val);
  agree("num_test", p.num_test);
  if (p.num_train == 0) fail(split_path + ": no training node");
  return p;
}

}  // namespace gcn
