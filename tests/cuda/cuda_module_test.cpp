// The cuda backend's module (backends/cuda/cuda_module.hpp) loads from beside the binary and
// answers, on any machine: without a GPU its reason must come from the CUDA runtime, not from a
// missing module or missing entry points.
#ifdef GCNBENCH_HAVE_CUDA

#include <gtest/gtest.h>

#include "backends/backend.hpp"
#include "backends/cuda/backend.hpp"
#include "core/error.hpp"

namespace gcn {
namespace {

TEST(CudaModule, LoadsAndAnswersWithOrWithoutAGpu) {
  const std::string reason = cuda_unavailable_reason();
  EXPECT_EQ(reason.find("module"), std::string::npos) << reason;
  if (!reason.empty()) {
    // Every reason of cuda::device_unavailable_reason names the device (or its absence).
    EXPECT_TRUE(reason.find("device") != std::string::npos || reason.find("Device") != std::string::npos) << reason;
    // make_backend refuses with the same reason instead of crashing.
    try {
      make_backend("cuda", {});
      ADD_FAILURE() << "make_backend(\"cuda\") succeeded although: " << reason;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gcn

#endif  // GCNBENCH_HAVE_CUDA
