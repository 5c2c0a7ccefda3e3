// The bar chart (chart.png, chart.svg) is drawn by matplotlib through scripts/plot-results, run
// with the first Python that can import matplotlib (bench/python.hpp); no drawing code here.
#pragma once

#include <string>

namespace gcn {

// Draws `<out_prefix>.png` and `.svg` from results.csv. Returns an empty string on success, else
// why there is no chart (no matplotlib anywhere, the script failed): a chart is optional.
std::string draw_chart(const std::string& csv_path, const std::string& out_prefix);

// scripts/plot-results of the source tree ($GCNBENCH_PLOT overrides it).
std::string plot_script_path();

}  // namespace gcn
