#include "backends/multigpu/comm_volume.hpp"

namespace gcn::multigpu {

EpochVolume epoch_volume(const VolumeInputs& in) {
  double exchanged_width = 0, parameters = 0;
  for (size_t l = 0; l + 1 < in.widths.size(); ++l) {
    exchanged_width += static_cast<double>(in.widths[l + 1]);
    parameters += static_cast<double>(in.widths[l] * in.widths[l + 1] + (in.bias ? in.widths[l + 1] : 0));
  }
  const double passes = (in.eval_forward ? 2.0 : 1.0) + 1.0;  // forwards + the backward
  const double bytes = sizeof(float);
  EpochVolume v;
  v.halo_bytes = bytes * static_cast<double>(in.total_halo_rows) * exchanged_width * passes;
  v.all_gather_bytes =
      bytes * static_cast<double>(in.parts - 1) * static_cast<double>(in.num_nodes) * exchanged_width * passes;
  v.gradient_bytes = bytes * parameters;
  return v;
}

int64_t total_halo_rows(const std::vector<RankPlan>& plans) {
  int64_t total = 0;
  for (const auto& plan : plans) total += plan.num_halo();
  return total;
}

}  // namespace gcn::multigpu
