// The linqs format: NAME.content and NAME.cites.
#include "data/loaders.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const auto parts = split_parts(data, size, 2);
  const std::string content = write_file("linqs/cora.content", parts[0]);
  write_file("linqs/cora.cites", parts[1]);
  expect_only_gcn_errors([&] { gcn::load_linqs_dataset(content); });
  return 0;
}
