// Peg-ins end to end (issue 6): a simulated Bitcoin, every node's bridge on its own
// bitcoind client, authorities proposing confirmed deposits, importers checking them, and
// the peg-in checkers of scenarios/pegin_workload.h.
#include <gtest/gtest.h>

#include <optional>

#include "core/bridge/bridge_actor.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

std::string describe(const ChainResult& r) { return describe_failures(r); }

// Short runs (these also run under ASan in CI): 30 s Bitcoin blocks, so six confirmations
// take about three minutes; no transfer workload (the chain scenario tests cover it).
ChainOptions pegin_options(std::uint64_t seed) {
  ChainOptions o;
  o.seed = seed;
  o.duration = 16min;
  o.tx_per_sec = 0;
  o.bitcoin = true;
  o.bitcoin_block_mean = 30s;
  o.pegin_confirmations = 6;
  o.pegins = 12;
  o.pegin_window = 6min;
  return o;
}

TEST(PegInScenario, ConfirmedDepositsAreMintedOnceToTheirAddresses) {
  ChainOptions o = pegin_options(3);
  std::vector<std::size_t> by_state;
  o.bitcoin_setup = [&](sim::World& world, sim::SimBitcoin&, PegInWorkload&) {
    world.schedule_at(Instant{} + 16min, sim::EventKind::kCustom, 1, [&] {
      const bridge::BridgeActor* b = bridge_actor_of(world, 6);  // a full node's bridge too
      ASSERT_NE(b, nullptr);
      by_state = b->status().pegins_by_state;
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.deposits, 12u);
  // Every deposit was made in the first 6 minutes and Bitcoin ran on for 10 more (about 20
  // blocks), so all are deep enough: every one minted (the checkers hold the amounts and
  // addresses).
  EXPECT_EQ(r.pegins_minted, 12u);
  EXPECT_GT(r.bitcoin_height, 20u);
  // Every peg-in's operation reached Completed at finality (by 16 min).
  ASSERT_EQ(by_state.size(), bridge::kPegStateCount);
  EXPECT_EQ(by_state[static_cast<std::size_t>(bridge::PegState::kCompleted) - 1], 12u);
}

TEST(PegInScenario, ADepositReorgedOutBeforeItsConfirmationsIsNeverMinted) {
  ChainOptions o = pegin_options(5);
  o.pegins = 4;
  std::optional<Hash256> doomed;
  std::uint64_t reorg_status = 1;
  std::optional<bridge::PegState> doomed_op;  // node 3's PegOperation at the end
  o.bitcoin_setup = [&](sim::World& world, sim::SimBitcoin& btc, PegInWorkload& w) {
    world.schedule_at(Instant{} + 3min, sim::EventKind::kCustom, 1, [&world, &btc, &w, &doomed,
                                                                      &reorg_status] {
      EvmAddress to{};
      to.fill(0xd0);
      auto d = w.deposit_now(to, 777'000);
      ASSERT_TRUE(d.has_value());
      doomed = d->txid;
      btc.mine_now(2);  // two confirmations: seen by the bridges, not yet confirmed
      world.schedule_at(world.now() + 30s, sim::EventKind::kCustom, 2, [&btc, &doomed,
                                                                         &reorg_status] {
        // The user double-spends it away: a reorg evicts it below its confirmations.
        const auto conf = btc.confirmations(*doomed);
        ASSERT_TRUE(conf.has_value());
        reorg_status = btc.reorg(*conf, {*doomed}).is_ok() ? 0 : 2;
      });
    });
    world.schedule_at(Instant{} + 15min, sim::EventKind::kCustom, 3, [&] {
      const bridge::BridgeActor* b = bridge_actor_of(world, 3);
      ASSERT_NE(b, nullptr);
      if (const auto* op = b->operations().find(*doomed)) doomed_op = op->state;
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  ASSERT_TRUE(doomed.has_value());
  EXPECT_EQ(reorg_status, 0u);
  // 4 scheduled deposits plus the doomed one were made; the doomed one is not on Bitcoin
  // and was never minted, the others were.
  EXPECT_EQ(r.deposits, 5u);
  EXPECT_EQ(r.pegins_minted, 4u);
  // Seen at two confirmations, then gone with its block: still waiting, never minted.
  EXPECT_EQ(doomed_op, bridge::PegState::kWaitingConfirmations);
}

TEST(PegInScenario, ADepositReorgedOutAfterItWasMintedIsFlagged) {
  ChainOptions o = pegin_options(8);
  o.pegins = 0;
  std::optional<Hash256> victim;
  bool flagged_at_end = false;
  std::optional<bridge::PegOperation> victim_op;
  o.bitcoin_setup = [&](sim::World& world, sim::SimBitcoin& btc, PegInWorkload& w) {
    world.schedule_at(Instant{} + 1min, sim::EventKind::kCustom, 1, [&w, &victim] {
      EvmAddress to{};
      to.fill(0xe1);
      auto d = w.deposit_now(to, 1'234'000);
      ASSERT_TRUE(d.has_value());
      victim = d->txid;
    });
    // Long after it was minted and finalized, Bitcoin reorganises it away.
    world.schedule_at(Instant{} + 10min, sim::EventKind::kCustom, 2, [&btc, &victim] {
      const auto conf = btc.confirmations(*victim);
      ASSERT_TRUE(conf.has_value());
      ASSERT_GE(*conf, 6u);
      ASSERT_TRUE(btc.reorg(*conf, {*victim}).is_ok());
    });
    world.schedule_at(Instant{} + 15min, sim::EventKind::kCustom, 3,
                      [&world, &victim, &flagged_at_end, &victim_op] {
                        const bridge::BridgeActor* b = bridge_actor_of(world, 0);
                        ASSERT_NE(b, nullptr);
                        const auto& f = b->status().flagged_txids;
                        flagged_at_end = std::find(f.begin(), f.end(), *victim) != f.end();
                        if (const auto* op = b->operations().find(*victim)) victim_op = *op;
                      });
  };
  const ChainResult r = run_chain(o);
  // pegin-backing accepts the minted peg-in Bitcoin no longer holds only because the
  // bridges flagged it.
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.pegins_minted, 1u);
  EXPECT_TRUE(flagged_at_end);
  // Its operation went all the way, then failed: the history says so.
  ASSERT_TRUE(victim_op.has_value());
  EXPECT_EQ(victim_op->state, bridge::PegState::kFailed);
  std::vector<bridge::PegState> states;
  for (const auto& step : victim_op->history) states.push_back(step.to);
  EXPECT_EQ(states, (std::vector<bridge::PegState>{
                        bridge::PegState::kInitiated, bridge::PegState::kWaitingConfirmations,
                        bridge::PegState::kReadyForExecution, bridge::PegState::kExecuting,
                        bridge::PegState::kCompleted, bridge::PegState::kFailed}));
}

TEST(PegInScenario, ABitcoindOutageDelaysPegInsButLosesNone) {
  ChainOptions o = pegin_options(13);
  o.duration = 42min;
  o.pegins = 10;
  o.pegin_window = 12min;
  std::uint64_t errors_during = 0;
  std::uint64_t scanned_during = 0;
  std::uint64_t scanned_after = 0;
  o.bitcoin_setup = [&](sim::World& world, sim::SimBitcoin& btc, PegInWorkload&) {
    world.schedule_at(Instant{} + 4min, sim::EventKind::kCustom, 1, [&world, &btc] {
      btc.set_outage_all(world.now() + 30min);
    });
    world.schedule_at(Instant{} + 33min, sim::EventKind::kCustom, 2, [&] {
      const bridge::BridgeActor* b = bridge_actor_of(world, 1);
      ASSERT_NE(b, nullptr);
      errors_during = b->status().rpc_errors;
      scanned_during = b->status().next_height;
    });
    world.schedule_at(Instant{} + 41min, sim::EventKind::kCustom, 3, [&] {
      const bridge::BridgeActor* b = bridge_actor_of(world, 1);
      ASSERT_NE(b, nullptr);
      scanned_after = b->status().next_height;
    });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r.pegins_minted, 10u);
  EXPECT_GT(errors_during, 0u);
  // Stuck during the outage (about 8 blocks in), caught up after it (16 more minutes).
  EXPECT_LT(scanned_during + 15, scanned_after);
}

TEST(PegInScenario, SameSeedSameTraceWithBitcoin) {
  ChainOptions o = pegin_options(21);
  o.duration = 8min;
  o.pegins = 5;
  o.pegin_window = 3min;
  const ChainResult a = run_chain(o);
  const ChainResult b = run_chain(o);
  EXPECT_TRUE(a.ok()) << describe(a);
  EXPECT_EQ(a.stats.trace_hash, b.stats.trace_hash);
  EXPECT_EQ(a.pegins_minted, b.pegins_minted);
  o.seed = 22;
  EXPECT_NE(run_chain(o).stats.trace_hash, a.stats.trace_hash);
}

}  // namespace
}  // namespace alys::scenarios
