// The demo scenario's checkers must pass a correct program and fail broken ones.
#include <gtest/gtest.h>

#include "scenarios/demo_scenario.h"

namespace alys::scenarios {
namespace {

DemoOptions options(std::uint64_t seed) {
  DemoOptions o;
  o.seed = seed;
  o.nodes = 5;
  o.duration = 5min;
  return o;
}

bool failed(const DemoResult& r, const std::string& checker) {
  for (const auto& f : r.failures) {
    if (f.checker == checker) return true;
  }
  return false;
}

TEST(DemoScenario, PassesUnderChaosAcrossSeeds) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const DemoResult r = run_demo(options(seed));
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.failures[0].checker << ": "
                        << r.failures[0].evidence;
    EXPECT_GT(r.final_values[0], 0u);
    EXPECT_GT(r.stats.events, 1000u);
  }
}

TEST(DemoScenario, ChaosActuallyHappens) {
  std::uint64_t crashes = 0, breaks = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const DemoResult r = run_demo(options(seed));
    crashes += r.crashes;
    breaks += r.network.connection_breaks;
    EXPECT_FALSE(r.schedule.empty());
  }
  EXPECT_GT(crashes, 5u);
  EXPECT_GT(breaks, 10u);
}

TEST(DemoScenario, SameSeedSameRunDifferentSeedDifferentRun) {
  const DemoResult a = run_demo(options(5));
  const DemoResult b = run_demo(options(5));
  const DemoResult c = run_demo(options(6));
  EXPECT_EQ(a.stats.trace_hash, b.stats.trace_hash);
  EXPECT_EQ(a.stats.events, b.stats.events);
  EXPECT_EQ(a.final_values, b.final_values);
  EXPECT_NE(a.stats.trace_hash, c.stats.trace_hash);
}

// Never gossips: counters cannot converge.
class Silent final : public demo::CounterGossip {
 public:
  using CounterGossip::CounterGossip;

 protected:
  std::vector<NodeId> gossip_targets() override { return {}; }
};

TEST(DemoScenario, ConvergenceCheckerCatchesASilentNode) {
  DemoOptions o = options(1);
  o.chaos = false;
  o.make_program = [](Env& env, demo::CounterGossipConfig c) -> std::unique_ptr<demo::CounterGossip> {
    return std::make_unique<Silent>(env, std::move(c));
  };
  // Greetings on connect still spread values, so crash nothing and let ticks diverge.
  const DemoResult r = run_demo(o);
  EXPECT_TRUE(failed(r, "convergence"));
}

// Acknowledges a sync it never did (the "forgot to sync before acknowledging" bug class):
// a crash that loses unsynced writes must surface as a durability failure.
class ForgetsToSync final : public demo::CounterGossip {
 public:
  using CounterGossip::CounterGossip;

 protected:
  Status write_counter(bool) override { return CounterGossip::write_counter(false); }
};

TEST(DemoScenario, DurabilityCheckerCatchesAnUnsyncedAcknowledgement) {
  int caught = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    DemoOptions o = options(seed);
    o.make_program = [](Env& env, demo::CounterGossipConfig c) -> std::unique_ptr<demo::CounterGossip> {
      return std::make_unique<ForgetsToSync>(env, std::move(c));
    };
    caught += failed(run_demo(o), "durability");
  }
  EXPECT_GE(caught, 3) << "the durability checker missed most runs of a planted bug";
}

}  // namespace
}  // namespace alys::scenarios
