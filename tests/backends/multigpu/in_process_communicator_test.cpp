// The in-process transport the distributed tests rely on: point-to-point groups deliver to the
// right peer, collectives reduce in rank order on every rank, and a mismatched exchange fails
// with a message instead of hanging.
#include "backends/multigpu/in_process_communicator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "core/error.hpp"

namespace gcn::multigpu {
namespace {

TEST(InProcessCommunicator, ExchangeDeliversEachBufferToItsPeer) {
  const int ranks = 4;
  std::atomic<int> checked{0};
  run_ranks(ranks, [&](Communicator& comm) {
    const int me = comm.rank();
    // Rank p sends p+1 floats of value 100 p + q to every q != p.
    std::vector<std::vector<float>> out(ranks), in(ranks);
    std::vector<SendBuffer> sends;
    std::vector<RecvBuffer> recvs;
    for (int q = 0; q < ranks; ++q) {
      if (q == me) continue;
      out[q].assign(static_cast<size_t>(me + 1), static_cast<float>(100 * me + q));
      in[q].assign(static_cast<size_t>(q + 1), -1.0f);
      sends.push_back({q, out[q].data(), me + 1});
      recvs.push_back({q, in[q].data(), q + 1});
    }
    comm.begin_exchange(sends, recvs);
    comm.end_exchange();
    for (int q = 0; q < ranks; ++q) {
      if (q == me) continue;
      for (const float x : in[q]) EXPECT_EQ(x, static_cast<float>(100 * q + me)) << q << " -> " << me;
    }
    EXPECT_EQ(comm.stats().point_to_point_bytes, static_cast<int64_t>((ranks - 1) * (me + 1) * sizeof(float)));
    ++checked;
  });
  EXPECT_EQ(checked.load(), ranks);
}

TEST(InProcessCommunicator, CollectivesGiveTheSameResultOnEveryRank) {
  const int ranks = 3;
  run_ranks(ranks, [&](Communicator& comm) {
    const int me = comm.rank();
    // Values whose float sum depends on the order: every rank must still agree exactly.
    std::vector<float> x = {1e8f * (me == 0 ? 1 : -1) + static_cast<float>(me), 0.1f * static_cast<float>(me + 1)};
    comm.all_reduce_sum(x.data(), 2);
    EXPECT_EQ(x[0], (1e8f + -1e8f + 1.0f) + -1e8f + 2.0f);
    EXPECT_EQ(x[1], (0.1f + 0.2f) + 0.3f);
    double d[1] = {static_cast<double>(me)};
    comm.all_reduce_sum(d, 1);
    EXPECT_EQ(d[0], 3.0);

    const float mine[2] = {static_cast<float>(me), static_cast<float>(10 * me)};
    std::vector<float> gathered(2 * ranks);
    comm.all_gather(mine, 2, gathered.data());
    for (int q = 0; q < ranks; ++q) {
      EXPECT_EQ(gathered[2 * q], static_cast<float>(q));
      EXPECT_EQ(gathered[2 * q + 1], static_cast<float>(10 * q));
    }
    std::vector<float> blocks(static_cast<size_t>(ranks), static_cast<float>(me + 1));
    float block_sum = 0;
    comm.reduce_scatter_sum(blocks.data(), 1, &block_sum);
    EXPECT_EQ(block_sum, 6.0f);
  });
}

TEST(InProcessCommunicator, MismatchedExchangeFailsInsteadOfHanging) {
  try {
    run_ranks(2, [&](Communicator& comm) {
      float out[3] = {1, 2, 3}, in[3] = {};
      const SendBuffer send{1 - comm.rank(), out, 3};
      const RecvBuffer recv{1 - comm.rank(), in, comm.rank() == 0 ? 3 : 2};  // rank 1 expects too few
      comm.begin_exchange({&send, 1}, {&recv, 1});
      comm.end_exchange();
    });
    FAIL() << "expected gcn::Error";
  } catch (const RanksAborted&) {
    FAIL() << "the original error, not the abort of the other rank, must be reported";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expects 2 floats from rank 0, which sends 3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gcn::multigpu
