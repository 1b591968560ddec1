// The chain scenario on a hostile network (chaos::Hostile: frames duplicated and
// reordered, breaking the transport's FIFO / at-most-once contract): the nodes must
// tolerate it, keep producing, converge, finalize and lose no transfers.
#include <gtest/gtest.h>

#include "runtime-sim/sim_network.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

ChainOptions hostile_run(std::uint64_t seed, std::uint32_t duplicate_ppm, std::uint32_t reorder_ppm) {
  ChainOptions o;
  o.seed = seed;
  o.duration = 6min;
  o.tx_per_sec = 2;
  o.faults = {{kTimeZero + 1min, chaos::Hostile{duplicate_ppm, reorder_ppm}, 3min}};
  return o;
}

TEST(HostileScenario, NodesSurviveDuplicatedAndReorderedFrames) {
  ChainOptions o = hostile_run(7, 50'000, 50'000);
  sim::NetworkStats stats;
  o.setup = [&stats](sim::World& world) {
    // Just before the hostile window ends: what the network did to frames meanwhile.
    world.schedule_at(kTimeZero + 4min - 1ms, sim::EventKind::kCustom, 0,
                      [&world, &stats] { stats = world.network().stats(); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_GT(stats.frames_duplicated, 1000u) << "the fault did not happen";
  EXPECT_GT(stats.frames_reordered, 100u) << "the fault did not happen";
  EXPECT_GT(r.nodes[0].head_height, 150u);
  EXPECT_GT(r.max_finalized, 0u);
  EXPECT_EQ(r.txs_applied, r.txs_submitted);
}

// Both new faults draw only from the world's streams: a run with them replays bit for bit.
TEST(HostileScenario, HostileAndEquivocatingRunsReplayBitForBit) {
  ChainOptions o = hostile_run(9, 100'000, 100'000);
  o.duration = 3min;
  o.faults = {{kTimeZero + 30s, chaos::Hostile{100'000, 100'000}, 2min},
              {kTimeZero + 30s, chaos::Equivocate{1}, 1min}};
  const ChainResult a = run_chain(o);
  const ChainResult b = run_chain(o);
  EXPECT_TRUE(a.ok()) << describe_failures(a);
  EXPECT_GT(a.equivocations_seen, 0u);
  EXPECT_EQ(a.stats.trace_hash, b.stats.trace_hash);
  EXPECT_EQ(a.stats.events, b.stats.events);
}

}  // namespace
}  // namespace alys::scenarios
