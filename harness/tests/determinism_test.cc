// The determinism checker must pass deterministic code and catch the two classic leaks:
// decisions that depend on heap addresses, and mutable statics.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

#include "core/runtime/xoshiro.h"
#include "harness/determinism.h"
#include "scenarios/demo_scenario.h"

namespace alys::harness {
namespace {

std::uint64_t demo_hash(std::uint64_t seed,
                        decltype(scenarios::DemoOptions::make_program) make = nullptr) {
  scenarios::DemoOptions o;
  o.seed = seed;
  o.nodes = 4;
  o.duration = 2min;
  o.make_program = std::move(make);
  return scenarios::run_demo(o).stats.trace_hash;
}

// Gossips only to the peers whose fresh heap allocation has a particular address bit: the
// kind of bug that creeps in through pointer-keyed maps or sorting by pointer.
class AddressDependentGossip final : public demo::CounterGossip {
 public:
  using CounterGossip::CounterGossip;

 protected:
  std::vector<NodeId> gossip_targets() override {
    std::vector<NodeId> out;
    std::vector<std::unique_ptr<int>> probes;
    for (NodeId peer : CounterGossip::gossip_targets()) {
      probes.push_back(std::make_unique<int>(0));
      // Mix the whole address: allocators align differently (ASan's chunks are 32-byte
      // aligned), so any single bit could be constant; the mixed value is not.
      const auto address = reinterpret_cast<std::uintptr_t>(probes.back().get());
      if (mix64(address, 0) & 1) out.push_back(peer);
    }
    return out;
  }
};

// A lazily "warmed" process-wide cache: the first gossip of the process is skipped, so the
// first run of a seed behaves differently from the second.
class StaticCacheGossip final : public demo::CounterGossip {
 public:
  using CounterGossip::CounterGossip;

 protected:
  std::vector<NodeId> gossip_targets() override {
    static bool warmed = false;  // the bug under test: state that outlives a run
    if (!warmed) {
      warmed = true;
      return {};
    }
    return CounterGossip::gossip_targets();
  }
};

TEST(Determinism, DemoReplaysBitForBit) {
  const auto report = check_determinism({1, 20}, [](std::uint64_t s) { return demo_hash(s); });
  EXPECT_EQ(report.seeds, 20u);
  EXPECT_TRUE(report.ok()) << report.divergences.size() << " seeds diverged";
}

TEST(Determinism, CatchesDecisionsOnHeapAddresses) {
  auto make = [](Env& env, demo::CounterGossipConfig c) -> std::unique_ptr<demo::CounterGossip> {
    return std::make_unique<AddressDependentGossip>(env, std::move(c));
  };
  const auto report =
      check_determinism({1, 5}, [&](std::uint64_t s) { return demo_hash(s, make); });
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.divergences[0].first_hash, report.divergences[0].second_hash);
}

TEST(Determinism, CatchesMutableStatics) {
  auto make = [](Env& env, demo::CounterGossipConfig c) -> std::unique_ptr<demo::CounterGossip> {
    return std::make_unique<StaticCacheGossip>(env, std::move(c));
  };
  const auto report =
      check_determinism({1, 3}, [&](std::uint64_t s) { return demo_hash(s, make); });
  EXPECT_FALSE(report.ok());
}

TEST(Determinism, ReportsEverySeedAndProgress) {
  std::uint64_t calls = 0, last_done = 0;
  const auto report = check_determinism(
      {7, 9}, [&](std::uint64_t s) { ++calls; return s * 2; },
      [&](std::uint64_t done, std::uint64_t total) {
        EXPECT_EQ(total, 3u);
        last_done = done;
      });
  EXPECT_EQ(calls, 6u);  // each seed twice
  EXPECT_EQ(last_done, 3u);
  EXPECT_TRUE(report.ok());
}

TEST(Determinism, FlagsTheDivergingSeedOnly) {
  std::uint64_t call = 0;
  // Seed 11's second run answers differently.
  const auto report = check_determinism({10, 12}, [&](std::uint64_t s) {
    ++call;
    return (s == 11 && call == 4) ? 999 : s;
  });
  ASSERT_EQ(report.divergences.size(), 1u);
  EXPECT_EQ(report.divergences[0].seed, 11u);
  EXPECT_EQ(report.divergences[0].first_hash, 11u);
  EXPECT_EQ(report.divergences[0].second_hash, 999u);
}

}  // namespace
}  // namespace alys::harness
