// The plain-text format written back (`gcnbench convert`): the files load_text_dataset reads, so
// that a graph imported from any format becomes one that every peer script and tool here reads.
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/loaders.hpp"

namespace gcn {
namespace {

// Nine significant digits: every float reads back as itself.
void append_float(std::string& out, float v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(v));
  out += buffer;
}

}  // namespace

void write_text_dataset(const Dataset& data, const std::string& dir) {
  validate(data, data.name);
  std::filesystem::create_directories(dir);
  const auto file = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };

  std::string meta = "nodes " + std::to_string(data.num_nodes) + "\nfeatures " + std::to_string(data.num_features) +
                     "\nclasses " + std::to_string(data.num_classes) + "\nedges " +
                     std::to_string(data.num_undirected_edges()) + "\ntrain " +
                     std::to_string(data.count(Split::Train)) + "\nval " + std::to_string(data.count(Split::Val)) +
                     "\ntest " + std::to_string(data.count(Split::Test)) + "\n";

  std::string edges, features, labels, split;
  const Csr<float>& a = data.adjacency;
  const Csr<float>& x = data.features;
  for (int64_t u = 0; u < data.num_nodes; ++u) {
    for (int64_t k = a.row_ptr[u]; k < a.row_ptr[u + 1]; ++k)
      if (u < a.col[k]) edges += std::to_string(u) + " " + std::to_string(a.col[k]) + "\n";
    bool binary = true;
    for (int64_t k = x.row_ptr[u]; k < x.row_ptr[u + 1]; ++k) binary = binary && x.val[k] == 1.0f;
    for (int64_t k = x.row_ptr[u]; k < x.row_ptr[u + 1]; ++k) {
      if (k > x.row_ptr[u]) features += ' ';
      features += std::to_string(x.col[k]);
      if (!binary) {
        features += ':';
        append_float(features, x.val[k]);
      }
    }
    features += '\n';
    labels += std::to_string(data.labels[u]) + "\n";
    split += std::string(split_name(data.split[u])) + "\n";
  }
  write_file_atomically(file("edges.txt"), edges);
  write_file_atomically(file("features.txt"), features);
  write_file_atomically(file("labels.txt"), labels);
  write_file_atomically(file("split.txt"), split);
  write_file_atomically(file("meta.txt"), meta);  // last: a directory with meta.txt is complete
}

}  // namespace gcn
