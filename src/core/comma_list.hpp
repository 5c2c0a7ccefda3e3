// Flags that take a comma list (--backends cpu,cuda, --peers torch,jax, --adj dense,sparse).
#pragma once

#include <string>
#include <vector>

namespace gcn {

// The items of a comma list, empty items dropped: "cora,,citeseer" -> {cora, citeseer}.
std::vector<std::string> split_list(const std::string& text);

}  // namespace gcn
