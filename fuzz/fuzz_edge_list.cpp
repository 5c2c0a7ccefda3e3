// The edge-list format: edges.txt, labels.txt and features.txt beside it.
#include "data/loaders.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const auto parts = split_parts(data, size, 3);
  const char* names[] = {"edges.txt", "labels.txt", "features.txt"};
  for (int i = 0; i < 3; ++i) write_file(std::string("edge-list/") + names[i], parts[i]);
  expect_only_gcn_errors([] { gcn::load_edge_list_dataset((work_dir() / "edge-list" / "edges.txt").string()); });
  return 0;
}
