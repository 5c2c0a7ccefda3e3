// `train --gpus N`: the same command run again as N processes, one per GPU, which then train
// together (backends/cuda/rank_backend.cu). gcnbench launches them itself, so a multi-GPU run
// needs no MPI and no torchrun: each child finds its rank, the group's size and the rendezvous
// file (through which rank 0 hands out the NCCL id) in its environment.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gcn {

// The environment variables a launched rank reads.
constexpr const char* kRankVariable = "GCNBENCH_RANK";
constexpr const char* kWorldSizeVariable = "GCNBENCH_WORLD_SIZE";
constexpr const char* kRendezvousVariable = "GCNBENCH_RENDEZVOUS";

// Runs `program` with `args` (argv[1..]) once per rank r = 0 .. ranks-1, with GCNBENCH_RANK=r,
// GCNBENCH_WORLD_SIZE=ranks and GCNBENCH_RENDEZVOUS naming a file in a fresh private directory
// (removed afterwards). Rank 0 writes to this process's stdout, the others' stdout goes to
// /dev/null (they print the same global metrics); all share stderr. Waits for every rank. When
// one fails, the others are stopped (SIGTERM, SIGKILL after 5 s): a rank whose peer is gone would
// otherwise wait in a collective forever. Returns 0 when every rank succeeded, else the first
// failure's exit status (128 + the signal number for a rank killed by a signal). Throws
// gcn::Error when a process cannot be started.
int launch_ranks(const std::string& program, const std::vector<std::string>& args, int ranks);

struct RankEnvironment {
  int rank = 0, world_size = 0;
  std::string rendezvous;
};

// This process's place in a launch (from the variables above), or nullopt when it was not
// launched as a rank. Throws gcn::Error naming the variable when one is set but malformed.
std::optional<RankEnvironment> rank_environment();

// The arguments this process was started with, argv[1..] (from /proc/self/cmdline).
std::vector<std::string> own_arguments();

}  // namespace gcn
