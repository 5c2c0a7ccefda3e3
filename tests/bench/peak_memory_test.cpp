// A run's peak host memory is its own: `gcnbench bench` forks every run from a process that may
// be large itself (with the cuda module loaded, ~160 MB), and a run must not report that parent's
// memory as its peak (getrusage's ru_maxrss did: it keeps the peak from before exec).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "bench/process.hpp"

namespace gcn {
namespace {

TEST(PeakMemory, ARunStartedFromALargeProcessReportsItsOwnPeak) {
  const char* binary = std::getenv("GCNBENCH_BINARY");
  if (!binary) GTEST_SKIP() << "GCNBENCH_BINARY not set (run through ctest)";
  // 512 MiB touched here, in the parent.
  constexpr size_t kParentBytes = size_t{512} << 20;
  std::vector<char> ballast(kParentBytes);
  std::memset(ballast.data(), 1, ballast.size());
  const auto r = run_process({binary, "train", "--synthetic", "nodes=200,degree=4,features=16,classes=3,seed=1",
                              "--backend", "cpu-ref", "--epochs", "2", "--json"});
  ASSERT_TRUE(r.succeeded()) << r.describe_failure(0) << "\n" << r.stderr_tail;
  uint64_t peak = 0;
  for (const auto& line : r.stdout_lines) {
    const auto event = nlohmann::json::parse(line);
    if (event.value("event", "") == "run") peak = event.value("peak_host_bytes", uint64_t{0});
  }
  EXPECT_GT(peak, uint64_t{1} << 20) << "no plausible peak reported";
  // The run itself needs a few MB (the binary, libraries, a 200-node graph); under
  // AddressSanitizer about 145 MB (its shadow memory and allocator), still far below the parent's.
  EXPECT_LT(peak, kParentBytes / 2) << "the run reported its parent's memory as its own";
  EXPECT_EQ(ballast[kParentBytes / 2], 1);
}

}  // namespace
}  // namespace gcn
