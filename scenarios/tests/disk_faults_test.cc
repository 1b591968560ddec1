// Disks that fail under a running node (issue 7's "disk corruption on restart"): a disk that
// stays full ends the process (its supervision tree gives up) and the modelled service
// manager boots it again; a store found corrupt at start-up is repaired (the chain is
// discarded and fetched again from peers, the signature guard kept or its floor raised).
// In every case the node ends on the common head and nothing is double-signed.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/storage/chain_keys.h"
#include "scenarios/chain_scenario.h"

namespace alys::scenarios {
namespace {

constexpr NodeId kVictim = 2;  // an authority

ChainOptions base(std::uint64_t seed) {
  ChainOptions o;
  o.seed = seed;
  o.duration = 5min;
  o.tx_per_sec = 1;
  return o;
}

void at(sim::World& world, Duration t, std::function<void()> f) {
  world.schedule_at(Instant{} + t, sim::EventKind::kCustom, kVictim, std::move(f));
}

// The first stored key of `node` starting with `prefix` (its chain families are non-empty
// after a minute of blocks).
std::optional<Bytes> first_key(sim::World& world, NodeId node, std::string_view prefix) {
  for (const auto& [key, value] : world.disk(node).contents()) {
    if (key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin(),
                                                  [](char c, std::uint8_t b) { return c == static_cast<char>(b); })) {
      return key;
    }
  }
  return std::nullopt;
}

void expect_back_on_the_common_head(const ChainResult& r) {
  ASSERT_TRUE(r.nodes[kVictim].up);
  EXPECT_FALSE(r.nodes[kVictim].root_failed);
  EXPECT_EQ(r.nodes[kVictim].head, r.nodes[0].head) << "the victim did not catch up";
  EXPECT_EQ(r.nodes[kVictim].finalized_height, r.nodes[0].finalized_height);
}

TEST(DiskFaults, ADiskThatStaysFullEndsTheProcessAndTheRebootedNodeCatchesUp) {
  ChainOptions o = base(4);
  o.setup = [](sim::World& world) {
    at(world, 60s, [&world] { world.disk(kVictim).set_full(true); });
    at(world, 90s, [&world] { world.disk(kVictim).set_full(false); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  EXPECT_GE(r.process_exits, 1u) << "thirty seconds of failed writes should exhaust the tree";
  expect_back_on_the_common_head(r);
}

TEST(DiskFaults, ACorruptBlockFoundAtStartIsRepairedAndTheChainResynced) {
  ChainOptions o = base(5);
  o.setup = [](sim::World& world) {
    at(world, 60s, [&world] {
      const auto key = first_key(world, kVictim, "b");
      ASSERT_TRUE(key.has_value());
      ASSERT_TRUE(world.disk(kVictim).corrupt(*key));
      world.crash(kVictim, sim::CrashDurability::kKeepAll);
    });
    at(world, 62s, [&world] { world.restart(kVictim); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  expect_back_on_the_common_head(r);
}

TEST(DiskFaults, ALostSignatureGuardStopsTheAuthoritySigningSlotsItMayHaveSigned) {
  ChainOptions o = base(6);
  o.setup = [](sim::World& world) {
    at(world, 60s, [&world] {
      ASSERT_TRUE(world.disk(kVictim).corrupt(as_bytes(storage::kSignedMaxKey)));
      world.crash(kVictim, sim::CrashDurability::kKeepAll);
    });
    at(world, 61s, [&world] { world.restart(kVictim); });
  };
  const ChainResult r = run_chain(o);
  EXPECT_TRUE(r.ok()) << describe_failures(r);
  expect_back_on_the_common_head(r);
}

}  // namespace
}  // namespace alys::scenarios
