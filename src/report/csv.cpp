#include "report/csv.hpp"

namespace gcn {
namespace {

// RFC 4180: quote a field holding a comma, quote or newline, doubling the quotes.
std::string field(const nlohmann::json& v) {
  std::string s;
  if (v.is_null()) return "";
  if (v.is_string()) {
    s = v.get<std::string>();
  } else {
    s = v.dump();
  }
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// "epoch_ms.mean" reads row["epoch_ms"]["mean"]; "environment.cpu_model" likewise.
nlohmann::json lookup(const nlohmann::json& row, const std::string& column) {
  const size_t dot = column.find('.');
  if (dot == std::string::npos) return row.contains(column) ? row[column] : nlohmann::json(nullptr);
  const std::string outer = column.substr(0, dot), inner = column.substr(dot + 1);
  if (!row.contains(outer) || !row[outer].is_object() || !row[outer].contains(inner)) return nullptr;
  return row[outer][inner];
}

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> columns = {"host",
                                                   "dataset",
                                                   "label",
                                                   "implementation",
                                                   "device",
                                                   "adj",
                                                   "status",
                                                   "epoch_ms.mean",
                                                   "epoch_ms.std",
                                                   "epoch_ms.median",
                                                   "epoch_ms.min",
                                                   "epoch_ms.max",
                                                   "epoch_ms.ci95_low",
                                                   "epoch_ms.ci95_high",
                                                   "epoch_ms.n",
                                                   "epoch_ms.samples",
                                                   "epoch_ms.cv",
                                                   "epoch_ms_within_runs.median",
                                                   "epoch_ms_within_runs.cv",
                                                   "load_average_max",
                                                   "timing",
                                                   "layers",
                                                   "speedup",
                                                   "baseline",
                                                   "floor_ms",
                                                   "floor_fraction",
                                                   "epoch_gb_per_s",
                                                   "test_acc_mean",
                                                   "test_acc_std",
                                                   "test_loss_mean",
                                                   "peak_host_bytes",
                                                   "peak_device_bytes",
                                                   "runs",
                                                   "epochs",
                                                   "warmup",
                                                   "preset",
                                                   "features",
                                                   "framework",
                                                   "framework_version",
                                                   "device_name",
                                                   "threads",
                                                   "blas",
                                                   "python",
                                                   "reason",
                                                   "source",
                                                   "environment.cpu_model",
                                                   "environment.date",
                                                   "environment.git_commit",
                                                   "command"};
  return columns;
}

std::string to_csv(const std::vector<nlohmann::json>& rows) {
  std::string out;
  for (const auto& column : csv_columns()) out += (out.empty() ? "" : ",") + column;
  out += "\n";
  for (const auto& row : rows) {
    std::string line;
    bool first = true;
    for (const auto& column : csv_columns()) {
      if (!first) line += ",";
      first = false;
      line += field(lookup(row, column));
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace gcn
