// The bar charts (chart.png, chart.svg) are drawn by matplotlib through scripts/plot-results
// (bench) and scripts/plot-ops (ops), run with the first Python that can import matplotlib
// (bench/python.hpp); no drawing code here.
#pragma once

#include <string>

namespace gcn {

// scripts/plot-results beside the binary (core/install_layout.hpp; $GCNBENCH_PLOT overrides it).
std::string plot_script_path();
// scripts/plot-ops, the chart of `gcnbench ops`.
std::string plot_ops_script_path();

// Draws `<out_prefix>.png` and `.svg` from a results.csv with `script`. Returns an empty string
// on success, else why there is no chart (no matplotlib anywhere, the script failed): a chart
// is optional.
std::string draw_chart(const std::string& csv_path, const std::string& out_prefix,
                       const std::string& script = plot_script_path());

}  // namespace gcn
