// Where gcnbench finds what ships beside its binary: the peers (peers/), the chart scripts
// (scripts/) and the cuda backend's module. Two layouts, both found relative to the running
// binary, so that an installed gcnbench can be moved anywhere and a build tree works as it is:
//
//   installed (cmake --install B --prefix P):  P/bin/gcnbench, P/lib/gcnbench/libgcnbench_cuda.so,
//                                              P/share/gcnbench/{peers,scripts}
//   a build tree B:                            B/gcnbench, B/libgcnbench_cuda.so,
//                                              B/share/gcnbench/{peers,scripts,data} (links that
//                                              CMake makes to the source tree's folders)
//
// $GCNBENCH_HOME (a folder holding peers/ and scripts/) comes after those. The path the sources
// were compiled at is never consulted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace gcn {

// The folders that may hold gcnbench's shipped files, in the order they are searched.
std::vector<std::filesystem::path> home_candidates();

// `name` (e.g. "peers", "scripts/plot-results") in the first candidate that has it; when none
// has it, the path it would have in an installed layout, so that a message can name it.
std::filesystem::path shipped_path(const std::string& name);

// The cuda backend's module: beside the binary, else in ../lib/gcnbench (installed).
std::filesystem::path cuda_module_path(const std::string& file_name);

// Where `--dataset NAME` looks: $GCNBENCH_DATA; else the data folder of the layout (a build
// tree's link to the repository's data/), when there is one; else the per-user folder
// ${XDG_DATA_HOME:-$HOME/.local/share}/gcnbench.
std::filesystem::path default_data_dir();
// How default_data_dir() was chosen, for messages: "GCNBENCH_DATA", "the build tree", "the per-user folder".
std::string default_data_dir_origin();

}  // namespace gcn
