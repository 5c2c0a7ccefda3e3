// `gcnbench export`: a Problem written to a directory the Python peers (peers/common.py) load,
// so that every implementation trains on byte-identical preprocessed data; and its reader,
// `gcnbench train --problem DIR`, which trains gcnbench's backends on the same files:
//   problem.json                      format "gcnbench-problem-1", sizes and the full ModelConfig
//   adj_indptr/indices/data.npy       A_hat in CSR (int64, int32, float32), normalized, self loops
//   feat_indptr/indices/data.npy      features in CSR, already row-normalized if the config says so
//   labels.npy (int32, -1 = none)     split.npy (uint8: 0 none, 1 train, 2 val, 3 test)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/csr.hpp"
#include "model/problem.hpp"

namespace gcn {

// Writes into `dir.tmp-<pid>` and renames it to `dir`, so readers never see a half-written
// export. An existing `dir` is replaced only if it is a previous export (holds problem.json);
// anything else there is an error. Throws gcn::Error naming the path on any I/O failure.
void export_problem(const Problem& problem, const std::string& dir);

// The normalized adjacency of an export (square: one row per node), for `gcnbench ops`'
// children. Throws gcn::Error naming the file when an array is missing, of another dtype, or
// not a CSR matrix (offsets not ascending from 0 to the entry count, a column outside the rows,
// a value that is not finite).
Csr<float> import_adjacency(const std::string& dir);

// The whole export back as the Problem it was written from (the same bytes: no preprocessing is
// redone). Throws gcn::Error naming the file for a missing file, another format, an array of
// another dtype or length, a CSR that is not one, a label outside the classes or a split value
// outside 0..3, and split counts that disagree with problem.json.
Problem import_problem(const std::string& dir);

}  // namespace gcn
