// Dataset names and paths: `--dataset NAME` and `--data PATH` of the CLI end here.
#include <filesystem>

#include "core/error.hpp"
#include "core/install_layout.hpp"
#include "data/loaders.hpp"

namespace gcn {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string resolve_dataset_dir(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    fail("dataset name '" + name + "' is not a plain name (use --data PATH for a path)");
  const fs::path base = default_data_dir();
  // The text format first (what scripts/get-data copies), then the linqs files, either in
  // NAME/ or in NAME-linqs/ (where scripts/get-data unpacks the download).
  const fs::path text_dir = base / name;
  if (is_file(text_dir / "meta.txt")) return text_dir.string();
  for (const fs::path& dir : {base / name, base / (name + "-linqs")}) {
    const fs::path content = dir / (name + ".content");
    if (is_file(content)) return content.string();
  }
  fail("dataset '" + name + "' not found: looked for " + (text_dir / "meta.txt").string() + " and " +
       (base / name / (name + ".content")).string() + " and " + (base / (name + "-linqs") / (name + ".content")).string() +
       " (the data folder from " + default_data_dir_origin() +
       "); run scripts/get-data to fetch cora and citeseer, or set GCNBENCH_DATA to a directory that holds " + name + "/");
}

std::string dataset_format(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    // A text-format directory that lost its meta.txt still has split.txt: read it as the text
    // format, which then says what is missing.
    if (is_file(dir / "meta.txt") || is_file(dir / "split.txt")) return "text";
    if (is_file(dir / "edges.txt") && is_file(dir / "labels.txt")) return "edge list";
    if (is_file(dir / "raw" / "edge.csv.gz") || is_file(dir / "raw" / "edge.csv")) return "ogb";
    fail(path + ": expected a dataset directory (meta.txt, edges.txt, ...: the text format), an edge list's "
                "directory (edges.txt and labels.txt, no meta.txt), an OGB node-property directory (raw/edge.csv.gz, "
                "split/), a .npz file or a linqs .content file");
  }
  if (fs::path(path).extension() == ".content") return "linqs";  // its loader names what is missing
  if (fs::path(path).extension() == ".npz") return "npz";
  if (!fs::exists(path, ec)) fail(path + ": no such file or directory");
  return "edge list";
}

Dataset load_dataset_path(const std::string& path) {
  const std::string format = dataset_format(path);
  if (format == "text") return load_text_dataset(path);
  if (format == "linqs") return load_linqs_dataset(path);
  if (format == "ogb") return load_ogb_dataset(path);
  if (format == "npz") return load_npz_dataset(path);
  return load_edge_list_dataset(fs::is_directory(path) ? (fs::path(path) / "edges.txt").string() : path);
}

Dataset load_named_dataset(const std::string& name) { return load_dataset_path(resolve_dataset_dir(name)); }

}  // namespace gcn
