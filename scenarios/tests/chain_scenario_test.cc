// The chain scenario end to end: AlysNode trees on the simulator (issue 5 acceptance).
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "core/chain/chain_actor.h"
#include "core/chain/limits.h"
#include "runtime-sim/sim_network.h"
#include "scenarios/chain_scenario.h"
#include "scenarios/tests/tx_landing.h"

namespace alys::scenarios {
namespace {

std::string describe(const ChainResult& r) { return describe_failures(r); }

TEST(ChainScenario, FiveAuthoritiesTwoFullNodesProduceAndFinalize) {
  ChainOptions o;
  o.seed = 7;
  o.duration = 10min;
  o.tx_per_sec = 2;
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  // 10 min of 2 s slots: about 300 slots; every node followed.
  EXPECT_GT(r.nodes[0].head_height, 250u);
  EXPECT_GT(r.max_finalized, 0u);
  EXPECT_GT(r.txs_applied, 1000u);
  EXPECT_EQ(r.txs_applied, r.txs_submitted);
}

TEST(ChainScenario, SameSeedSameTrace) {
  ChainOptions o;
  o.seed = 11;
  o.duration = 3min;
  o.tx_per_sec = 3;
  const ChainResult a = run_chain(o);
  const ChainResult b = run_chain(o);
  EXPECT_EQ(a.stats.trace_hash, b.stats.trace_hash);
  EXPECT_EQ(a.stats.events, b.stats.events);
  o.seed = 12;
  const ChainResult c = run_chain(o);
  EXPECT_NE(a.stats.trace_hash, c.stats.trace_hash);
}

TEST(ChainScenario, RestartedAuthorityNeverDoubleSigns) {
  ChainOptions o;
  o.seed = 3;
  o.duration = 6min;
  o.tx_per_sec = 1;
  o.setup = [](sim::World& world) {
    // Authority 1 crashes twice, once losing its unsynced writes; the checker
    // no-double-sign looks for two blocks signed by one key for one slot.
    world.schedule_at(Instant{} + 61s, sim::EventKind::kCustom, 1,
                      [&world] { world.crash(1, sim::CrashDurability::kLoseAll); });
    world.schedule_at(Instant{} + 63s, sim::EventKind::kCustom, 1, [&world] { world.restart(1); });
    world.schedule_at(Instant{} + 150s, sim::EventKind::kCustom, 1,
                      [&world] { world.crash(1, sim::CrashDurability::kSeeded); });
    world.schedule_at(Instant{} + 150s + 700ms, sim::EventKind::kCustom, 1,
                      [&world] { world.restart(1); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_GT(r.nodes[1].head_height, 150u);
}

TEST(ChainScenario, EachActorKindCrashIsAbsorbed) {
  ChainOptions o;
  o.seed = 5;
  o.duration = 6min;
  o.tx_per_sec = 1;
  o.setup = [](sim::World& world) {
    // One actor kind per 20 s on node 2 (an authority), through the test hooks.
    auto at = [&world](Duration t, std::function<void(AlysNode&)> f) {
      world.schedule_at(Instant{} + t, sim::EventKind::kCustom, 2, [&world, f] {
        if (auto* node = dynamic_cast<AlysNode*>(world.program(2))) f(*node);
      });
    };
    at(60s, [](AlysNode& n) { (void)n.chain().tell(chain::ChainCrashForTest{}); });
    at(80s, [](AlysNode& n) { (void)n.engine().tell(execution::EngineCrashForTest{}); });
    at(100s, [](AlysNode& n) { (void)n.storage().tell(storage::CrashForTest{}); });
    at(120s, [](AlysNode& n) { (void)n.network().tell(net::CrashForTest{}); });
    at(140s, [](AlysNode& n) { (void)n.sync().tell(sync::SyncCrashForTest{}); });
    at(160s, [](AlysNode& n) { (void)n.auxpow().tell(chain::AuxPowCrashForTest{}); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  // Six minutes of 2 s slots: production continued through every crash.
  EXPECT_GT(r.nodes[2].head_height, 160u);
  EXPECT_GT(r.max_finalized, 0u);
  EXPECT_FALSE(r.nodes[2].root_failed);
  for (const char* name : {"chain", "engine", "storage", "network", "auxpow"}) {
    EXPECT_EQ(r.nodes[2].actor_restarts.at(name), 1u) << name;
  }
  // network-sup is RestForOne: the network's crash also restarts sync (after it).
  EXPECT_EQ(r.nodes[2].actor_restarts.at("sync"), 2u);
  EXPECT_EQ(r.nodes[1].actor_restarts.at("chain"), 0u);
}

// A transfer that reaches the proposers before its predecessor is skipped by their builds
// until the predecessor lands, then included. Proposers used to drop it at the first
// skip, and nothing brought it back: its resend through another node is gossip every peer's
// seen cache drops as a duplicate (chaos seed 23 with peg-outs lost four transfers so).
TEST(ChainScenario, AnEarlyNonceWaitsInTheMempoolForItsPredecessor) {
  ChainOptions o;
  o.seed = 5;
  o.duration = 2min;
  auto transfer = [](std::uint64_t nonce) {
    LedgerTx tx;
    tx.nonce = nonce;
    // To itself and without a fee: the workload accounts' balances stay as it expects.
    tx.to = workload_address(0);
    tx.value = Wei::from_sat(1000 + nonce);
    sign_ledger_tx(tx, workload_key(0), Hash256{});
    return tx;
  };
  const LedgerTx first = transfer(0);
  const LedgerTx second = transfer(1);
  auto submit = [](sim::World& world, NodeId node, const LedgerTx& tx) {
    auto* program = dynamic_cast<AlysNode*>(world.program(node));
    ASSERT_NE(program, nullptr);
    (void)program->chain().tell(chain::InboundTx{std::nullopt, tx});
  };
  std::vector<bool> held_early(5, false);
  std::optional<std::uint64_t> first_at;
  std::optional<std::uint64_t> second_at;
  o.setup = [&](sim::World& world) {
    world.schedule_at(Instant{} + 10s, sim::EventKind::kCustom, 1,
                      [&] { submit(world, 0, second); });
    // By now every authority has built a block or two with `second` in its candidates.
    world.schedule_at(Instant{} + 40s, sim::EventKind::kCustom, 1, [&] {
      for (NodeId n = 0; n < 5; ++n) {
        held_early[n] = chain_actor_of(world, n)->mempool().contains(ledger_tx_hash(second));
      }
      submit(world, 0, first);
    });
    world.schedule_at(Instant{} + 110s, sim::EventKind::kCustom, 1, [&] {
      first_at = testing::landed_at(*chain_actor_of(world, 6)->tree(), first);
      second_at = testing::landed_at(*chain_actor_of(world, 6)->tree(), second);
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(held_early, std::vector<bool>(5, true));
  ASSERT_TRUE(first_at.has_value());
  ASSERT_TRUE(second_at.has_value()) << "the early transfer never landed";
  EXPECT_GE(*second_at, *first_at);
}

// A full node that acknowledges a transfer while cut off from every peer gossips it to no
// one, and as a full node never includes it itself: it must hand it to its peers once they
// connect (ChainActor PeerJoined). Before, the transfer never landed.
TEST(ChainScenario, ATransferAFullNodeTookWhileCutOffLandsOnceItConnects) {
  ChainOptions o;
  o.seed = 7;
  o.duration = 2min;
  constexpr NodeId kCutOff = 6;  // full node
  LedgerTx tx;
  tx.nonce = 0;
  tx.to = workload_address(1);
  tx.value = Wei::from_sat(1234);
  sign_ledger_tx(tx, workload_key(1), Hash256{});
  bool held_while_cut_off = false;
  std::optional<std::uint64_t> landed_at;
  o.setup = [&](sim::World& world) {
    world.network().partition({{0, 1, 2, 3, 4, 5}});  // node 6 in no group: alone
    world.schedule_at(Instant{} + 10s, sim::EventKind::kCustom, 1, [&] {
      auto* program = dynamic_cast<AlysNode*>(world.program(kCutOff));
      ASSERT_NE(program, nullptr);
      (void)program->chain().tell(chain::InboundTx{std::nullopt, tx});
    });
    world.schedule_at(Instant{} + 30s, sim::EventKind::kCustom, 1, [&] {
      held_while_cut_off = chain_actor_of(world, kCutOff)->mempool().contains(ledger_tx_hash(tx));
      world.network().heal();
    });
    world.schedule_at(Instant{} + 110s, sim::EventKind::kCustom, 1,
                      [&] { landed_at = testing::landed_at(*chain_actor_of(world, 0)->tree(), tx); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_TRUE(held_while_cut_off);
  ASSERT_TRUE(landed_at.has_value()) << "the cut-off full node's transfer never landed";
}

// Alys halts block production once max_blocks_without_pow blocks sit above finality, and
// resumes when an AuxPoW arrives (here: never, so the head stays at the limit).
TEST(ChainScenario, ProductionHaltsWithoutAuxPow) {
  ChainOptions o;
  o.seed = 13;
  o.duration = 3min;  // 90 slots
  o.max_blocks_without_pow = 20;
  o.miner_mean = 1000h;  // no AuxPoW within the run
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.max_finalized, 0u);
  for (const NodeSummary& n : r.nodes) EXPECT_EQ(n.head_height, 20u);
}

// With Alys's max_blocks_without_pow (50,000) and no AuxPoW, proposers still halt before
// the engine's state table (4,096) fills: every node holds limits::kMaxUnfinalizedBlocks
// blocks above genesis, and a node crashed and restarted there reloads them all. Without the
// cap the import failed at h4096 ("state table full") and a restarted node could not load.
TEST(ChainScenario, ProductionHaltsBeforeTheEngineStateTableFills) {
  ChainOptions o;
  o.seed = 17;
  o.slot_ms = 500;
  o.duration = 36min;  // 4,320 slots
  o.max_blocks_without_pow = 50'000;
  o.miner_mean = 1000h;
  o.setup = [](sim::World& world) {
    world.schedule_at(Instant{} + 35min, sim::EventKind::kCustom, 2,
                      [&world] { world.crash(2, sim::CrashDurability::kKeepAll); });
    world.schedule_at(Instant{} + 35min + 2s, sim::EventKind::kCustom, 2,
                      [&world] { world.restart(2); });
  };
  const ChainResult r = run_chain(o);
  // The one expected complaint: a run this long with no miner never finalizes.
  ASSERT_EQ(r.failures.size(), 1u) << describe(r);
  EXPECT_EQ(r.failures[0].checker, "finality");
  EXPECT_NE(r.failures[0].evidence.find("no block was finalized"), std::string::npos);
  EXPECT_EQ(r.max_finalized, 0u);
  for (const NodeSummary& n : r.nodes) EXPECT_EQ(n.head_height, limits::kMaxUnfinalizedBlocks);
}

// More blocks than the engine keeps states (4,096): it prunes at finality, and restarts
// of the chain actor (re-import from disk over a pruned engine) and of whole nodes still
// converge.
TEST(ChainScenario, LongChainPrunesEngineStatesAndSurvivesRestarts) {
  ChainOptions o;
  o.seed = 21;
  o.slot_ms = 500;
  o.duration = 40min;  // ~4,800 blocks
  o.miner_mean = 10s;
  o.tx_per_sec = 1;
  o.setup = [](sim::World& world) {
    world.schedule_at(Instant{} + 35min, sim::EventKind::kCustom, 3, [&world] {
      if (auto* node = dynamic_cast<AlysNode*>(world.program(3))) {
        (void)node->chain().tell(chain::ChainCrashForTest{});
      }
    });
    world.schedule_at(Instant{} + 36min, sim::EventKind::kCustom, 4,
                      [&world] { world.crash(4, sim::CrashDurability::kSeeded); });
    world.schedule_at(Instant{} + 36min + 2s, sim::EventKind::kCustom, 4,
                      [&world] { world.restart(4); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_GT(r.nodes[0].head_height, 4500u);
  EXPECT_EQ(r.nodes[3].actor_restarts.at("chain"), 1u);
}

TEST(ChainScenario, NodeFarBehindSyncsAndSurvivesLosingItsServer) {
  ChainOptions o;
  o.seed = 9;
  o.duration = 70min;  // about 2,100 blocks before the last node starts
  o.miner_mean = 60s;
  o.late_nodes = {6};  // a full node
  o.late_start = 4100s;
  o.settle = 60s;
  // Lives through the run; the scheduled polls point at it.
  struct Probe {
    std::vector<NodeId> killed;
    std::function<void()> poll;
  } probe;
  auto* killed = &probe.killed;
  o.setup = [&probe](sim::World& world) {
    // Poll the syncing node every 5 ms; the first time it has ranges in flight, kill the
    // peer serving them (mid-range) and bring it back a minute later.
    probe.poll = [&world, &probe] {
      auto* node = dynamic_cast<AlysNode*>(world.program(6));
      auto* sync = node ? dynamic_cast<sync::SyncActor*>(node->sync().cell().instance()) : nullptr;
      if (sync != nullptr && !sync->serving_peers().empty()) {
        const NodeId victim = sync->serving_peers().front();
        probe.killed.push_back(victim);
        world.crash(victim, sim::CrashDurability::kKeepAll);
        world.schedule_at(world.now() + 60s, sim::EventKind::kCustom, victim,
                          [&world, victim] { world.restart(victim); });
        return;
      }
      world.schedule_at(world.now() + 5ms, sim::EventKind::kCustom, 6, [&probe] { probe.poll(); });
    };
    world.schedule_at(Instant{} + 4100s, sim::EventKind::kCustom, 6, [&probe] { probe.poll(); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_GT(r.nodes[6].head_height, 2000u);
  EXPECT_EQ(r.nodes[6].head, r.nodes[1].head);
  EXPECT_GT(r.nodes[6].sync.blocks_imported, 1900u);
  // Ranges asked of the killed servers were asked again of others.
  ASSERT_EQ(killed->size(), 1u);
  EXPECT_GT(r.nodes[6].sync.range_retries, 0u);
  EXPECT_EQ(r.nodes[6].sync.state, sync::SyncState::kSynced);
}

// The chain actor of a syncing node restarts while it holds a batch from sync: the batch's
// answer never comes. Sync asks again after its import timeout (30 s) instead of waiting
// forever, and the node catches up. (Before, it stayed where it was: blocks arriving by
// gossip had unknown parents, and their "behind" hint found sync busy with the lost batch.)
TEST(ChainScenario, SyncRefetchesABatchTheRestartedChainActorNeverAnswered) {
  ChainOptions o;
  o.seed = 5;
  o.duration = 12min;
  o.late_nodes = {6};  // a full node, ~300 blocks behind when it starts
  o.late_start = 600s;
  o.settle = 60s;
  // Watches every event of the run; the first time the late node's sync has a batch out,
  // crashes its chain actor from an event of that node (the crash request queues behind
  // the batch, so the actor takes the batch and then dies holding it).
  struct Probe {
    sim::World* world = nullptr;
    bool armed = true;
    bool crashed = false;
  } probe;
  auto sync_of = [](sim::World& world) -> sync::SyncActor* {
    auto* node = dynamic_cast<AlysNode*>(world.program(6));
    return node ? dynamic_cast<sync::SyncActor*>(node->sync().cell().instance()) : nullptr;
  };
  o.setup = [&probe](sim::World& world) { probe.world = &world; };
  o.trace_sink = [&probe, sync_of](Instant, sim::EventKind, NodeId, std::uint64_t) {
    if (!probe.armed || probe.world == nullptr) return;
    sim::World& world = *probe.world;
    const sync::SyncActor* sync = sync_of(world);
    if (sync == nullptr || !sync->importing()) return;
    probe.armed = false;
    world.schedule_at(world.now(), sim::EventKind::kCustom, 6, [&probe, &world, sync_of] {
      const sync::SyncActor* s = sync_of(world);
      if (s == nullptr || !s->importing()) {
        probe.armed = true;  // answered meanwhile: wait for the next batch
        return;
      }
      (void)dynamic_cast<AlysNode*>(world.program(6))->chain().tell(chain::ChainCrashForTest{});
      probe.crashed = true;
    });
  };
  const ChainResult r = run_chain(o);
  ASSERT_TRUE(probe.crashed) << "the late node never imported a synced batch";
  EXPECT_EQ(r.nodes[6].actor_restarts.at("chain"), 1u);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.nodes[6].head, r.nodes[1].head);
  EXPECT_EQ(r.nodes[6].sync.state, sync::SyncState::kSynced);
}

// Seeded chaos (crashes with lost writes, partitions, clogs, clock jumps and drift; at
// most one node down): every checker holds after the quiet tail. This sweep found the AuxPoW-range and genesis
// pointer bugs and the need for approved-head fork choice.
TEST(ChainScenario, ChecksHoldUnderSeededChaos) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    ChainOptions o;
    o.seed = seed;
    o.duration = 5min;
    o.settle = 60s;
    o.tx_per_sec = 2;
    o.chaos = true;
    o.clock_faults = seed % 2 == 0;  // jumps and drift on half the seeds
    const ChainResult r = run_chain(o);
    EXPECT_GT(r.faults, 5u) << "seed " << seed;
    EXPECT_TRUE(r.ok()) << "seed " << seed << "\n" << describe(r);
    EXPECT_GT(r.max_finalized, 50u) << "seed " << seed;
  }
}

// "Same seed, same trace hash" for the acceptance runs: restarts with lost writes, actor
// crashes through the test hooks, and a late node syncing (shortened so the test stays
// fast); each twice.
TEST(ChainScenario, FaultRunsReplayBitForBit) {
  std::vector<ChainOptions> runs;
  {
    ChainOptions o;
    o.seed = 31;
    o.duration = 3min;
    o.tx_per_sec = 2;
    o.setup = [](sim::World& world) {
      world.schedule_at(Instant{} + 61s, sim::EventKind::kCustom, 1,
                        [&world] { world.crash(1, sim::CrashDurability::kSeeded); });
      world.schedule_at(Instant{} + 64s, sim::EventKind::kCustom, 1, [&world] { world.restart(1); });
      world.schedule_at(Instant{} + 90s, sim::EventKind::kCustom, 2, [&world] {
        if (auto* n = dynamic_cast<AlysNode*>(world.program(2))) {
          (void)n->engine().tell(execution::EngineCrashForTest{});
          (void)n->network().tell(net::CrashForTest{});
        }
      });
    };
    runs.push_back(o);
  }
  {
    ChainOptions o;
    o.seed = 32;
    o.duration = 5min;
    o.late_nodes = {6};
    o.late_start = 200s;
    runs.push_back(o);
  }
  for (const ChainOptions& o : runs) {
    const ChainResult a = run_chain(o);
    const ChainResult b = run_chain(o);
    EXPECT_TRUE(a.ok()) << describe(a);
    EXPECT_EQ(a.stats.trace_hash, b.stats.trace_hash) << "seed " << o.seed;
    EXPECT_EQ(a.stats.events, b.stats.events) << "seed " << o.seed;
    EXPECT_EQ(a.nodes[0].head, b.nodes[0].head) << "seed " << o.seed;
  }
}

}  // namespace
}  // namespace alys::scenarios
