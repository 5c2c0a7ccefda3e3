#include "bench/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench/process.hpp"
#include "core/build_info.hpp"
#include "core/cpu_name.hpp"
#include "core/memory.hpp"

extern "C" char* openblas_get_config(void);
extern char** environ;

namespace gcn {
namespace {

std::string trim(std::string s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  const size_t last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}

nlohmann::json cpu_model() {
  const std::string name = host_cpu_name();
  if (name.empty()) return nullptr;
  return name;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) parts.push_back(trim(part));
  return parts;
}

// nvidia-smi's CSV query for the GPUs, and its banner for the CUDA version the driver supports.
void add_gpus(nlohmann::json& env) {
  env["gpus"] = nlohmann::json::array();
  env["cuda_version"] = nullptr;
  if (find_on_path("nvidia-smi").empty()) return;
  ProcessOptions options;
  options.timeout_s = 30;
  const ProcessResult query = run_process(
      {"nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm", "--format=csv,noheader"}, options);
  if (query.succeeded()) {
    for (const auto& line : query.stdout_lines) {
      const auto fields = split(line, ',');
      if (fields.size() >= 4)
        env["gpus"].push_back(
            {{"name", fields[0]}, {"driver", fields[1]}, {"memory", fields[2]}, {"max_sm_clock", fields[3]}});
    }
  }
  const ProcessResult banner = run_process({"nvidia-smi"}, options);
  for (const auto& line : banner.stdout_lines) {
    const size_t at = line.find("CUDA Version:");
    // "... CUDA Version: 13.0     |": the first word after the label.
    if (at != std::string::npos) env["cuda_version"] = split(trim(line.substr(at + 13)), ' ').front();
  }
}

// The first line of a small system file, or null.
nlohmann::json first_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return nullptr;
  return trim(line);
}

// The variables that change how the implementations run: thread counts and placement, BLAS
// choices, GPU selection, JIT flags.
nlohmann::json tuning_variables() {
  static const char* const prefixes[] = {"OMP_",    "GOMP_", "KMP_", "OPENBLAS_", "MKL_",     "CUDA_",
                                         "NVIDIA_", "XLA_",  "JAX_", "TORCH_",    "PYTORCH_", "GCNBENCH_"};
  nlohmann::json vars = nlohmann::json::object();
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    for (const char* prefix : prefixes)
      if (entry.starts_with(prefix)) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return vars;
}

}  // namespace

nlohmann::json machine_state() {
  nlohmann::json state;
  state["date"] = utc_timestamp();
  const double load = load_average_1min();
  state["load_average"] = load >= 0 ? nlohmann::json(load) : nlohmann::json(nullptr);
  state["cpu_governor"] = first_line_of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  const nlohmann::json khz = first_line_of("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
  state["cpu0_mhz"] = khz.is_string() ? nlohmann::json(std::atof(khz.get<std::string>().c_str()) / 1000) : khz;
  state["gpus"] = nlohmann::json::array();
  if (!find_on_path("nvidia-smi").empty()) {
    ProcessOptions options;
    options.timeout_s = 30;
    const ProcessResult query = run_process(
        {"nvidia-smi", "--query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw", "--format=csv,noheader"},
        options);
    if (query.succeeded())
      for (const auto& line : query.stdout_lines) {
        const auto fields = split(line, ',');
        if (fields.size() >= 4)
          state["gpus"].push_back({{"sm_clock", fields[0]},
                                   {"memory_clock", fields[1]},
                                   {"temperature_c", fields[2]},
                                   {"power", fields[3]}});
      }
  }
  return state;
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string utc_date() { return utc_timestamp().substr(0, 10); }

double load_average_1min() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  if (!(in >> load)) return -1;
  return load;
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown-host";
  return buffer;
}

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> words;
  std::string word;
  while (std::getline(in, word, '\0')) words.push_back(word);
  return shell_quote(words);
}

nlohmann::json capture_environment() {
  nlohmann::json env;
  env["host"] = host_name();
  env["date"] = utc_timestamp();
  utsname uts{};
  env["os"] = uname(&uts) == 0 ? nlohmann::json(std::string(uts.sysname) + " " + uts.release + " " + uts.machine)
                               : nlohmann::json(nullptr);
  env["cpu_model"] = cpu_model();
  env["cpu_cores"] = std::thread::hardware_concurrency();
  const double load = load_average_1min();
  env["load_average"] = load >= 0 ? nlohmann::json(load) : nlohmann::json(nullptr);
  env["memory_bytes"] = physical_memory_bytes();
  add_gpus(env);
  env["compiler"] = GCNBENCH_CXX_FLAGS;
#if defined(GCNBENCH_HAVE_CUDA)
  env["gcnbench_cuda"] = true;
#else
  env["gcnbench_cuda"] = false;
#endif
  env["blas"] = trim(openblas_get_config());  // "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."
  env["gcnbench_version"] = GCNBENCH_VERSION;
  env["git_commit"] = build_git_commit();
  env["command_line"] = own_command_line();
  env["variables"] = tuning_variables();
  env["start"] = machine_state();
  return env;
}

}  // namespace gcn
