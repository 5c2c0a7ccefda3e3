// --init-weights files (gcnbench-parameters-1 JSON).
#include "fuzz_input.hpp"
#include "model/parameters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const std::string path = write_file("weights.json", {reinterpret_cast<const char*>(data), size});
  expect_only_gcn_errors([&] { gcn::load_parameters(path); });
  return 0;
}
