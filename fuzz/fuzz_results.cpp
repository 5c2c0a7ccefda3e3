// results.jsonl as `gcnbench report` reads it.
#include "fuzz_input.hpp"
#include "report/result_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const std::string path = write_file("results.jsonl", {reinterpret_cast<const char*>(data), size});
  expect_only_gcn_errors([&] { gcn::read_results_jsonl(path); });
  return 0;
}
