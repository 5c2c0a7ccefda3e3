// The progress line's arithmetic (bench/progress.hpp): durations a person reads, and an ETA from
// the pace so far that says nothing before there is a pace.
#include "bench/progress.hpp"

#include <gtest/gtest.h>

namespace gcn {
namespace {

TEST(Progress, DurationsRoundToWhatMattersAtTheirSize) {
  EXPECT_EQ(duration_text(0), "0s");
  EXPECT_EQ(duration_text(44.6), "45s");
  EXPECT_EQ(duration_text(185), "3m05s");
  EXPECT_EQ(duration_text(7830), "2h10m");
  EXPECT_EQ(duration_text(-3), "0s");  // a clock step backwards is no negative time
}

TEST(Progress, EtaIsThePaceSoFarTimesWhatIsLeft) {
  EXPECT_EQ(eta_text(0, 10, 0), "");            // no pace yet
  EXPECT_EQ(eta_text(10, 10, 50), "");          // nothing left
  EXPECT_EQ(eta_text(2, 10, 20), "ETA 1m20s");  // 10 s a unit, 8 left
  EXPECT_EQ(eta_text(1, 3, 0.5), "ETA 1s");
}

}  // namespace
}  // namespace gcn
