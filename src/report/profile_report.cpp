#include "report/profile_report.hpp"

#include <algorithm>
#include <cstdio>

namespace gcn {
namespace {

std::string format(const char* fmt, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, fmt, v);
  return buffer;
}

std::string padded(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string profile_table(const EpochProfile& p, const std::string& backend, const std::string& device) {
  std::string out = "profile of " + backend + " (" + device + "): median over " + std::to_string(p.epochs) +
                    " epochs after one uncounted; floors measured here: copy " + format("%.0f", p.floors.copy_gb_per_s) +
                    " GB/s, FMA " + format("%.0f", p.floors.fma_gflop_per_s) + " GFLOP/s\n";
  size_t step_w = 4, op_w = 2, shape_w = 5;
  for (const auto& s : p.steps) {
    step_w = std::max(step_w, s.step.size());
    op_w = std::max(op_w, s.op.size());
    shape_w = std::max(shape_w, s.shape.size());
  }
  out += padded("step", step_w) + "  " + padded("op", op_w) + "  " + padded("shape", shape_w) +
         "          ms      GB/s   GFLOP/s  of floor   of epoch\n";
  for (const auto& s : p.steps) {
    const double gbs = s.ms > 0 ? s.cost.bytes / (s.ms * 1e6) : 0;
    const double gflops = s.ms > 0 ? s.cost.flops / (s.ms * 1e6) : 0;
    out += padded(s.step, step_w) + "  " + padded(s.op, op_w) + "  " + padded(s.shape, shape_w) + "  " +
           format("%10.4f", s.ms) + "  " + format("%8.1f", gbs) + "  " + format("%8.1f", gflops) + "  " +
           format("%7.1f%%", 100 * s.floor_fraction) + "  " +
           format("%8.1f%%", p.epoch_ms > 0 ? 100 * s.ms / p.epoch_ms : 0) + "\n";
  }
  out += "epoch (sum of its steps): " + format("%.4f", p.epoch_ms) + " ms; floor " + format("%.4f", p.floor_ms) +
         " ms (" + format("%.1f", p.epoch_ms > 0 ? 100 * p.floor_ms / p.epoch_ms : 0) +
         "%); a step's floor is the larger of its least bytes at the copy bandwidth and its flops at the FMA peak, "
         "with no launch or synchronization cost\n";
  return out;
}

std::vector<nlohmann::json> profile_events(const EpochProfile& p, const std::string& backend,
                                           const std::string& device) {
  std::vector<nlohmann::json> events;
  for (const auto& s : p.steps)
    events.push_back({{"event", "profile"},
                      {"step", s.step},
                      {"op", s.op},
                      {"shape", s.shape},
                      {"ms", s.ms},
                      {"bytes", s.cost.bytes},
                      {"flops", s.cost.flops},
                      {"floor_ms", s.floor_ms},
                      {"floor_fraction", s.floor_fraction}});
  events.push_back({{"event", "profile_summary"},
                    {"backend", backend},
                    {"device", device},
                    {"epochs", p.epochs},
                    {"epoch_ms", p.epoch_ms},
                    {"floor_ms", p.floor_ms},
                    {"copy_gb_per_s", p.floors.copy_gb_per_s},
                    {"fma_gflop_per_s", p.floors.fma_gflop_per_s}});
  return events;
}

}  // namespace gcn
