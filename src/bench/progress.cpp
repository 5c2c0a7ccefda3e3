#include "bench/progress.hpp"

#include <cmath>
#include <cstdio>

namespace gcn {

std::string duration_text(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const auto total = static_cast<long long>(std::llround(seconds));
  char text[32];
  if (total < 60) {
    std::snprintf(text, sizeof text, "%llds", total);
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lldh%02lldm", total / 3600, (total % 3600) / 60);
  }
  return text;
}

std::string eta_text(size_t done, size_t total, double elapsed_s) {
  if (done == 0 || done >= total) return "";
  const double per_unit = elapsed_s / static_cast<double>(done);
  return "ETA " + duration_text(per_unit * static_cast<double>(total - done));
}

void show_progress(bool enabled, const std::string& text) {
  if (!enabled) return;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
}

}  // namespace gcn
