// The text a user types: the synthetic graph spec, the seed list, and the numeric flags' checks.
#include "cli/flag_checks.hpp"
#include "cli/options.hpp"
#include "data/loaders.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gcn::fuzz;
  const std::string text(reinterpret_cast<const char*>(data), size);
  expect_only_gcn_errors([&] { gcn::parse_synthetic_spec(text); });
  expect_only_gcn_errors([&] {
    const auto seeds = gcn::cli::parse_seeds(text);
    (void)seeds;
  });
  static const CLI::Validator checks[] = {gcn::cli::finite_in(0, 1, false, true), gcn::cli::integer_in(1, 16),
                                          gcn::cli::non_empty_path()};
  for (const auto& check : checks) {
    std::string copy = text;
    (void)check(copy);
  }
  return 0;
}
