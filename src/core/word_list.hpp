// Flags that take a list of words (--backends cpu,cuda, --peers torch,jax, --adj dense,sparse):
// CLI11 splits them at commas (->delimiter(',')); "all" and "none" stand alone.
#pragma once

#include <string>
#include <vector>

namespace gcn {

inline bool is_all(const std::vector<std::string>& list) { return list.size() == 1 && list.front() == "all"; }
inline bool is_none(const std::vector<std::string>& list) { return list.size() == 1 && list.front() == "none"; }

}  // namespace gcn
