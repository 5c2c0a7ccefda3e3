// .npz graphs (data/npz_format.cpp): the zip container through libzip, the .npy members through
// gcnbench's own reader, and both layouts' shape and id checks.
#include "data/loaders.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const std::string path = write_file("graph.npz", {reinterpret_cast<const char*>(data), size});
  expect_only_gcn_errors([&] { gcn::load_npz_dataset(path); });
  return 0;
}
