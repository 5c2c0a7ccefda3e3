// The plain-text dataset format: meta.txt, edges.txt, features.txt, labels.txt, split.txt.
#include "data/loaders.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const auto parts = split_parts(data, size, 5);
  const char* names[] = {"meta.txt", "edges.txt", "features.txt", "labels.txt", "split.txt"};
  for (int i = 0; i < 5; ++i) write_file(std::string("text/") + names[i], parts[i]);
  expect_only_gcn_errors([] { gcn::load_text_dataset((work_dir() / "text").string()); });
  return 0;
}
