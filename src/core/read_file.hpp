// Every file gcnbench reads (datasets, weights, results) is read here, one way: opened without
// blocking, refused unless it is a regular file (a FIFO would block forever, /dev/zero never
// end), sized before anything is allocated, and the size checked against the memory available.
#pragma once

#include <string>

namespace gcn {

// The whole file; throws gcn::Error naming the path on any failure.
std::string read_file(const std::string& path);

}  // namespace gcn
