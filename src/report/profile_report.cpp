#include "report/profile_report.hpp"

#include "report/table.hpp"

namespace gcn {

std::string profile_table(const EpochProfile& p, const std::string& backend, const std::string& device) {
  TextTable table;
  table.header = {"step", "op", "shape", "ms", "GB/s", "GFLOP/s", "of floor", "of epoch"};
  for (const auto& s : p.steps) {
    const double gbs = s.ms > 0 ? s.cost.bytes / (s.ms * 1e6) : 0;
    const double gflops = s.ms > 0 ? s.cost.flops / (s.ms * 1e6) : 0;
    table.cells.push_back({s.step, s.op, s.shape, format_number("%.4f", s.ms), format_number("%.1f", gbs), format_number("%.1f", gflops),
                           format_number("%.1f%%", 100 * s.floor_fraction),
                           format_number("%.1f%%", p.epoch_ms > 0 ? 100 * s.ms / p.epoch_ms : 0)});
  }
  table.footnotes.push_back(
      "epoch (sum of its steps): " + format_number("%.4f", p.epoch_ms) + " ms; floor " + format_number("%.4f", p.floor_ms) +
      " ms (" + format_number("%.1f", p.epoch_ms > 0 ? 100 * p.floor_ms / p.epoch_ms : 0) +
      "%); a step's floor is the larger of its least bytes at the copy bandwidth and its flops at the FMA peak, "
      "with no launch or synchronization cost");
  return "profile of " + backend + " (" + device + "): median over " + std::to_string(p.epochs) +
         " epochs after one uncounted; floors measured here: copy " + format_number("%.0f", p.floors.copy_gb_per_s) +
         " GB/s, FMA " + format_number("%.0f", p.floors.fma_gflop_per_s) + " GFLOP/s\n" + render_text(table);
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
