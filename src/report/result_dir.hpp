// A results directory: results.jsonl, results.csv, report.md, chart.png, chart.svg (and, from
// bench, stderr.log and the exported problems). Every file is written atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/markdown.hpp"

namespace gcn {

// Holds a results directory for one gcnbench process: an exclusive lock on `dir/.gcnbench-lock`
// until destroyed, so that two benches given the same --out cannot both write into it.
class OutputDirLock {
 public:
  explicit OutputDirLock(int fd = -1) : fd_(fd) {}
  OutputDirLock(OutputDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OutputDirLock& operator=(OutputDirLock&&) = delete;
  OutputDirLock(const OutputDirLock&) = delete;
  ~OutputDirLock();

 private:
  int fd_;
};

// Creates `dir` (and parents) and locks it. Throws gcn::Error when another gcnbench holds it,
// or when it holds anything but the lock and `force` is not given. With `force`, the files a
// results directory consists of (those above, stderr.log, problems/) are removed first, so no
// old chart or log survives beside new results; nothing else in it is ever deleted.
OutputDirLock prepare_output_dir(const std::string& dir, bool force);

// Writes every file; `text.chart_*` are filled in here. Returns the chart's absence reason ("" if drawn).
std::string write_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows, ReportText text);

}  // namespace gcn
