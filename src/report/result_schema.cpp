#include "report/result_schema.hpp"

#include <cmath>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/read_file.hpp"

namespace gcn {
namespace {

enum class Kind { String, Number, Integer, Object, Array, Boolean };

bool has_kind(const nlohmann::json& v, Kind kind) {
  switch (kind) {
    case Kind::String:
      return v.is_string();
    case Kind::Number:
      return v.is_number();
    case Kind::Integer:
      return v.is_number_integer();
    case Kind::Object:
      return v.is_object();
    case Kind::Array:
      return v.is_array();
    case Kind::Boolean:
      return v.is_boolean();
  }
  return false;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::String:
      return "a string";
    case Kind::Number:
      return "a number";
    case Kind::Integer:
      return "an integer";
    case Kind::Object:
      return "an object";
    case Kind::Array:
      return "an array";
    case Kind::Boolean:
      return "a boolean";
  }
  return "?";
}

struct Field {
  const char* name;
  Kind kind;
  bool nullable;  // may be null (always for skipped/failed rows' measurements)
};

// Fields every row has, whatever its status.
const Field kAlways[] = {
    {"schema", Kind::String, false},
    {"label", Kind::String, false},
    {"status", Kind::String, false},
    {"reason", Kind::String, false},
    {"dataset", Kind::String, false},
    {"implementation", Kind::String, false},
    {"device", Kind::String, false},
    {"adj", Kind::String, false},
    {"preset", Kind::String, false},
    {"epochs", Kind::Integer, false},
    {"warmup", Kind::Integer, false},
    {"runs", Kind::Integer, false},
    {"seeds", Kind::Array, false},
    {"command", Kind::String, false},
    {"host", Kind::String, false},
    {"environment", Kind::Object, false},
    {"python", Kind::String, true},
    {"framework", Kind::String, true},
    {"framework_version", Kind::String, true},
    {"device_name", Kind::String, true},
    {"features", Kind::String, true},
    {"threads", Kind::Integer, true},
    {"blas", Kind::String, true},
};
// Measurements: numbers on "ok" rows (the accuracies may be null there too: an empty test
// split has none), null on the others.
const Field kMeasured[] = {
    {"timing", Kind::String, false},
    {"epoch_ms", Kind::Object, false},
    {"test_acc_mean", Kind::Number, true},
    {"test_acc_std", Kind::Number, true},
    {"test_loss_mean", Kind::Number, true},
    {"peak_host_bytes", Kind::Integer, false},
    {"peak_device_bytes", Kind::Integer, false},
    {"speedup", Kind::Number, true},  // null: timed by dispatch, or another computation than the baseline's
    {"baseline", Kind::String, true},
};
const char* kEpochStats[] = {"mean", "std", "median", "min", "max", "ci95_low", "ci95_high"};
const char* kEnvironment[] = {"host",       "date",         "cpu_model", "cpu_cores", "memory_bytes",
                              "gpus",       "cuda_version", "compiler",  "blas",      "gcnbench_version",
                              "git_commit", "command_line"};

void check(const nlohmann::json& object, const Field& field, bool nullable, const std::string& prefix,
           std::vector<std::string>& errors) {
  const std::string name = prefix + field.name;
  if (!object.contains(field.name)) {
    errors.push_back(name + ": missing");
    return;
  }
  const auto& v = object[field.name];
  if (v.is_null() && nullable) return;
  if (!has_kind(v, field.kind))
    errors.push_back(name + ": expected " + kind_name(field.kind) + (nullable ? " or null" : ""));
}

}  // namespace

std::vector<std::string> validate_result_row(const nlohmann::json& row) {
  std::vector<std::string> errors;
  if (!row.is_object()) return {"the row is not a JSON object"};
  for (const auto& field : kAlways) check(row, field, field.nullable, "", errors);
  if (!errors.empty()) return errors;
  // Version 1 (before 2026-12-03) took its statistics over every epoch of every run; it is still
  // read, so that `report` can merge older result directories.
  const bool version2 = row["schema"] == "gcnbench-result-2";
  if (!version2 && row["schema"] != "gcnbench-result-1")
    errors.push_back("schema: expected \"gcnbench-result-2\" (or the older \"gcnbench-result-1\")");
  const std::string status = row["status"].get<std::string>();
  if (status != "ok" && status != "failed" && status != "skipped" && status != "reference")
    errors.push_back("status: expected \"ok\", \"failed\", \"skipped\" or \"reference\"");
  if (status == "reference") {
    // A published figure: its source and its mean, nothing measured here (no environment).
    if (!row.contains("source") || !row["source"].is_string() || row["source"].get<std::string>().empty())
      errors.push_back("source: a reference row must name its source");
    if (!row.contains("epoch_ms") || !row["epoch_ms"].is_object() || !row["epoch_ms"].contains("mean") ||
        !row["epoch_ms"]["mean"].is_number())
      errors.push_back("epoch_ms.mean: a reference row must have a number");
    return errors;
  }
  const bool ok = status == "ok";
  for (const auto& field : kMeasured) check(row, field, !ok || field.nullable, "", errors);
  if (ok && row.contains("epoch_ms") && row["epoch_ms"].is_object()) {
    const auto& t = row["epoch_ms"];
    if (!t.contains("samples") || !t["samples"].is_number_integer() || t["samples"].get<int64_t>() < 1)
      errors.push_back("epoch_ms.samples: expected a positive integer");
    if (version2) {
      if (!t.contains("n") || !t["n"].is_number_integer() || t["n"] < 1 || t["n"] > t["samples"])
        errors.push_back("epoch_ms.n: expected the number of runs, a positive integer no larger than samples");
      if (!t.contains("cv") || !t["cv"].is_number()) errors.push_back("epoch_ms.cv: expected a number");
      if (!row.contains("warnings") || !row["warnings"].is_array())
        errors.push_back("warnings: expected an array of strings");
      if (!row.contains("raw_samples") || !row["raw_samples"].is_object() ||
          !row["raw_samples"].value("epoch_ms", nlohmann::json()).is_array() ||
          row["raw_samples"]["epoch_ms"].size() != row.value("runs", size_t{0}))
        errors.push_back("raw_samples.epoch_ms: expected one array of epoch times per run");
    }
    for (const char* key : kEpochStats)
      if (!t.contains(key) || !t[key].is_number())
        errors.push_back(std::string("epoch_ms.") + key + ": expected a number");
    if (errors.empty() && !(t["min"] <= t["median"] && t["median"] <= t["max"] && t["ci95_low"] <= t["mean"] &&
                            t["mean"] <= t["ci95_high"]))
      errors.push_back("epoch_ms: min <= median <= max and ci95_low <= mean <= ci95_high do not hold");
    // An epoch takes time: a zero or negative sample is a broken clock or an edited file, and
    // would make every speedup against it infinite or negative.
    if (errors.empty() && !(t["min"].get<double>() > 0)) errors.push_back("epoch_ms.min: epoch times must be positive");
    if (row.contains("speedup") && row["speedup"].is_number() &&
        !(std::isfinite(row["speedup"].get<double>()) && row["speedup"].get<double>() > 0))
      errors.push_back("speedup: expected a positive finite number or null");
    if (row.contains("timing") && row["timing"] != "per-epoch" && row["timing"] != "per-run" &&
        row["timing"] != "dispatch")
      errors.push_back("timing: expected \"per-epoch\", \"per-run\" or \"dispatch\"");
  }
  // Rows written before compiling peers existed have no compile_ms.
  if (row.contains("compile_ms") && !row["compile_ms"].is_null() &&
      !(row["compile_ms"].is_number() && row["compile_ms"].get<double>() >= 0))
    errors.push_back("compile_ms: expected a non-negative number or null");
  if (status == "failed" && !(row.contains("stderr_tail") && row["stderr_tail"].is_string()))
    errors.push_back("stderr_tail: a failed row must have a string");
  for (const char* key : kEnvironment)
    if (!row["environment"].contains(key)) errors.push_back(std::string("environment.") + key + ": missing");
  return errors;
}

std::string to_jsonl(const std::vector<nlohmann::json>& rows) {
  std::string out;
  for (const auto& row : rows) out += row.dump() + "\n";
  return out;
}

std::vector<nlohmann::json> read_results_jsonl(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<nlohmann::json> rows;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    if (row.is_discarded()) fail_at(path, line_number, "not a JSON object");
    const auto errors = validate_result_row(row);
    if (!errors.empty()) fail_at(path, line_number, "not a gcnbench result row: " + errors.front());
    rows.push_back(row);
  }
  if (rows.empty()) fail(path + ": no result rows");
  return rows;
}

}  // namespace gcn
