// How the processes of one multi-GPU run find each other: rank 0 makes the group's id (NCCL's
// 128 bytes) and publishes it in a file, the other ranks wait for that file. The file is written
// to a temporary name and renamed, so a reader sees all of it or none. The launcher
// (train/rank_launcher.hpp) names a fresh file in a private directory for every run.
#pragma once

#include <string>

namespace gcn::multigpu {

void publish_rendezvous(const std::string& path, const std::string& bytes);

// The bytes rank 0 published at `path`, once the file exists. Throws gcn::Error naming the file
// when it has not appeared after timeout_s seconds (rank 0 failed before publishing, or the
// ranks were given different files), or when it holds other than `size` bytes.
std::string await_rendezvous(const std::string& path, size_t size, double timeout_s);

}  // namespace gcn::multigpu
