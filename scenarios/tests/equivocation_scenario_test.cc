// A Byzantine authority (chaos::Equivocate): it signs two different blocks for each slot
// it proposes in. Honest nodes must still converge, agree on finality and lose no
// transfers; the no-double-sign checker excuses exactly the scheduled equivocation.
#include <gtest/gtest.h>

#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

ChainOptions equivocation_run(std::uint64_t seed) {
  ChainOptions o;
  o.seed = seed;
  o.authorities = 5;
  o.full_nodes = 2;
  o.duration = 6min;
  o.tx_per_sec = 2;
  o.faults = {{kTimeZero + 1min, chaos::Equivocate{2}, 2min}};
  return o;
}

// Turns node `node`'s equivocation on at `at` behind the schedule's back (so the checker
// has no fault to excuse it with).
std::function<void(sim::World&)> equivocate_unscheduled(NodeId node, Duration at) {
  return [node, at](sim::World& world) {
    world.schedule_at(kTimeZero + at, sim::EventKind::kCustom, node, [&world, node] {
      if (auto* n = dynamic_cast<AlysNode*>(world.program(node))) n->set_equivocating(true);
    });
  };
}

TEST(EquivocationScenario, HonestNodesConvergeFinalizeAndKeepEveryTransfer) {
  const ChainResult r = run_chain(equivocation_run(7));
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  // Node 2 owns one slot in five (10 s): about twelve in two minutes.
  EXPECT_GE(r.equivocations_seen, 8u) << "the fault did not happen";
  EXPECT_GT(r.nodes[0].head_height, 150u);
  EXPECT_GT(r.max_finalized, 0u);
  EXPECT_EQ(r.txs_applied, r.txs_submitted);
  // The twins reached honest nodes, which imported them (valid blocks), and split their
  // votes: some of node 2's slots reached no quorum, so the chain is shorter than the
  // same run's without the fault.
  EXPECT_GT(r.blocks, r.nodes[0].head_height + 5);
  ChainOptions honest = equivocation_run(7);
  honest.faults.clear();
  EXPECT_LT(r.nodes[0].head_height, run_chain(honest).nodes[0].head_height);
}

TEST(EquivocationScenario, OtherSeedsToo) {
  for (std::uint64_t seed : {21, 22, 23}) {
    const ChainResult r = run_chain(equivocation_run(seed));
    EXPECT_TRUE(r.ok()) << "seed " << seed << ": " << describe_failures(r);
    EXPECT_GE(r.equivocations_seen, 5u) << "seed " << seed;
  }
}

TEST(EquivocationScenario, StaysByzantineAcrossAChainActorRestart) {
  ChainOptions o = equivocation_run(7);
  o.faults.push_back({kTimeZero + 75s, chaos::ActorPanic{2, "chain"}, Duration::zero()});
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_GE(r.nodes[2].actor_restarts.at("chain"), 1u);
  // Two slots of node 2 before the restart: the rest of the ~12 need the switch to survive.
  EXPECT_GE(r.equivocations_seen, 8u);
}

TEST(EquivocationScenario, DoubleSignsOutsideTheScheduleAreStillReported) {
  // Another authority equivocating is a failure...
  ChainOptions o = equivocation_run(7);
  o.setup = equivocate_unscheduled(3, 90s);
  ChainResult r = run_chain(o);
  ASSERT_FALSE(r.ok());
  for (const auto& f : r.failures) {
    EXPECT_EQ(f.checker, "no-double-sign") << f.evidence;
    EXPECT_NE(f.evidence.find("(n3)"), std::string::npos) << f.evidence;
  }
  // ...and so is the scheduled one going on after its fault ended.
  o.setup = equivocate_unscheduled(2, 4min);
  r = run_chain(o);
  ASSERT_FALSE(r.ok());
  EXPECT_GE(r.equivocations_seen, 5u);
  for (const auto& f : r.failures) {
    EXPECT_EQ(f.checker, "no-double-sign") << f.evidence;
    EXPECT_NE(f.evidence.find("(n2)"), std::string::npos) << f.evidence;
  }
}

// A Byzantine authority that signs blocks in slots it does not own (chaos::Usurp): honest
// nodes refuse every such block (wrong proposer) and carry on.
TEST(UsurpationScenario, HonestNodesRefuseBlocksFromTheWrongProposer) {
  ChainOptions o = equivocation_run(7);
  o.faults = {{kTimeZero + 1min, chaos::Usurp{2}, 2min}};
  std::size_t refused = 0;
  o.log_level = LogLevel::kInfo;
  o.log_sink = [&](std::string_view line) {
    if (line.find("rejected: block: proposer: slot") != std::string_view::npos) ++refused;
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  // Node 2 usurps four slots in five for two minutes: dozens of blocks, each refused by
  // the peers it reached.
  EXPECT_GE(refused, 20u) << "the fault did not happen";
  EXPECT_EQ(r.txs_applied, r.txs_submitted);
}

}  // namespace
}  // namespace alys::scenarios
