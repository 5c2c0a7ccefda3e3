#include "report/result_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/chart.hpp"
#include "report/csv.hpp"
#include "report/result_schema.hpp"

namespace gcn {

namespace {

constexpr const char* kLockName = ".gcnbench-lock";
// What a results directory consists of: the only entries --force removes.
const char* const kResultEntries[] = {"results.jsonl", "results.csv", "report.md", "chart.png",
                                      "chart.svg",     "stderr.log",  "problems",  "INCOMPLETE"};

}  // namespace

OutputDirLock::~OutputDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

OutputDirLock prepare_output_dir(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) fail(dir + ": exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) fail(dir + ": cannot create: " + ec.message());
  const std::string lock_path = (fs::path(dir) / kLockName).string();
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) fail(lock_path + ": cannot create: " + std::strerror(errno));
  OutputDirLock lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
    fail(dir + ": another gcnbench is writing its results there now; choose another --out");
  bool empty = true;
  for (const auto& entry : fs::directory_iterator(dir)) empty &= entry.path().filename() == kLockName;
  if (empty) return lock;
  if (!force) fail(dir + ": already exists; choose another --out or pass --force to overwrite");
  for (const char* name : kResultEntries) {
    fs::remove_all(fs::path(dir) / name, ec);
    if (ec) fail((fs::path(dir) / name).string() + ": cannot remove the previous result: " + ec.message());
  }
  return lock;
}

std::string write_result_dir(const std::string& dir, const std::vector<nlohmann::json>& rows, ReportText text) {
  // What is written must read back: the writer checks each row by the reader's rules.
  for (const auto& row : rows)
    if (const auto errors = validate_result_row(row); !errors.empty())
      fail(dir + "/results.jsonl: row " + row.value("label", "?") + " would not be a valid gcnbench-result-2 row: " +
           errors.front());
  write_file_atomically(dir + "/results.jsonl", to_jsonl(rows));
  write_file_atomically(dir + "/results.csv", to_csv(rows));
  bool any_measured = false;
  for (const auto& row : rows) any_measured |= row.value("status", "") == "ok";
  std::string chart_error = any_measured ? draw_chart(dir + "/results.csv", dir + "/chart") : "no measured rows";
  text.chart_png = chart_error.empty() ? "chart.png" : "";
  text.chart_note = chart_error;
  write_file_atomically(dir + "/report.md", render_report_markdown(rows, text));
  return chart_error;
}

}  // namespace gcn
