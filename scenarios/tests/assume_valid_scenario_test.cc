// Assume-valid end to end (core/sync/assume_valid.h): a full node that starts late, far
// behind, with an assume-valid block on the network's chain checks the headers up to it,
// then imports every block up to it without verifying their signatures, and the blocks
// above it as usual; with a hash that is on no chain, the header chains it is served never
// check out, and it verifies every block instead. Either way it ends on the network's head
// and every checker holds.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "core/chain/chain_actor.h"
#include "core/crypto/sha256.h"
#include "core/sync/assume_valid.h"
#include "core/system/alys_node.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

constexpr NodeId kLate = 6;  // a full node
constexpr NodeId kServer = 1;
constexpr std::uint64_t kAnchorHeight = 1000;

const chain::ChainActor* chain_of(sim::World& world, NodeId id) {
  auto* node = dynamic_cast<AlysNode*>(world.program(id));
  return node ? dynamic_cast<const chain::ChainActor*>(node->chain().cell().instance()) : nullptr;
}

struct Outcome {
  ChainResult result;
  std::uint64_t assumed_valid_imports = 0;
};

// About 1,200 blocks before the late node starts; it starts with `anchor_of(hash at
// kAnchorHeight on node kServer)` as its assume-valid block.
Outcome run_late_node(const std::function<sync::AssumeValid(const Hash256&)>& anchor_of) {
  ChainOptions o;
  o.seed = 21;
  o.duration = 42min;
  o.miner_mean = 60s;
  o.late_nodes = {kLate};
  o.late_start = 2400s;
  o.settle = 60s;
  auto anchor = std::make_shared<std::optional<sync::AssumeValid>>();
  auto outcome = std::make_shared<Outcome>();
  o.configure_node = [anchor](NodeId id, NodeConfig& config) {
    if (id == kLate && *anchor) config.sync.assume_valid = **anchor;
  };
  o.setup = [anchor, outcome, &o, &anchor_of](sim::World& world) {
    world.schedule_at(Instant{} + o.late_start - 1s, sim::EventKind::kCustom, kServer,
                      [&world, anchor, &anchor_of] {
      const chain::ChainActor* server = chain_of(world, kServer);
      ASSERT_NE(server, nullptr);
      const auto hash = server->tree()->canonical_at(kAnchorHeight);
      ASSERT_TRUE(hash.has_value()) << "the network is not at h" << kAnchorHeight << " yet";
      *anchor = anchor_of(*hash);
    });
    world.schedule_at(Instant{} + o.duration + o.settle - 1s, sim::EventKind::kCustom, kLate,
                      [&world, outcome] {
                        const chain::ChainActor* late = chain_of(world, kLate);
                        ASSERT_NE(late, nullptr);
                        outcome->assumed_valid_imports = late->assumed_valid_imports();
                      });
  };
  outcome->result = run_chain(o);
  return *outcome;
}

TEST(AssumeValidScenario, ALateNodeImportsTheChainBelowItsAnchorWithoutCheckingSignatures) {
  const Outcome out = run_late_node([](const Hash256& hash) { return sync::AssumeValid{kAnchorHeight, hash}; });
  const ChainResult& r = out.result;
  ASSERT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_GT(r.nodes[kLate].head_height, kAnchorHeight + 100);
  EXPECT_EQ(r.nodes[kLate].head, r.nodes[kServer].head);
  // Every block up to the anchor, and none above it.
  EXPECT_EQ(out.assumed_valid_imports, kAnchorHeight);
}

TEST(AssumeValidScenario, AnAnchorOnNoChainIsGivenUpAndEveryBlockIsVerified) {
  const Outcome out = run_late_node([](const Hash256&) {
    return sync::AssumeValid{kAnchorHeight, sha256(as_bytes("alys/test/not-a-block"))};
  });
  const ChainResult& r = out.result;
  ASSERT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_EQ(r.nodes[kLate].head, r.nodes[kServer].head);
  EXPECT_EQ(out.assumed_valid_imports, 0u);
}

}  // namespace
}  // namespace alys::scenarios
