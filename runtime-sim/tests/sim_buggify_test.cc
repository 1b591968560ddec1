// SimBuggify: whether a point is on for a run is a pure function of (seed, name), independent
// of the order points are reached; an enabled point fires on a seeded fraction of calls, the
// same for the same seed; nothing fires when buggify is off.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "runtime-sim/sim_buggify.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::script;
using testing::ScriptProgram;

BuggifyConfig on(std::uint32_t enabled_ppm = 250'000, std::uint32_t fire_ppm = 50'000) {
  BuggifyConfig c;
  c.enabled = true;
  c.point_enabled_ppm = enabled_ppm;
  c.fire_ppm = fire_ppm;
  return c;
}

std::string point_name(int i) {
  return "actor" + std::to_string(i % 7) + ".point" + std::to_string(i);
}

TEST(SimBuggify, DisabledNeverFires) {
  BuggifyConfig off = on(1'000'000, 1'000'000);
  off.enabled = false;
  SimBuggify b(off, 1, Xoshiro256ss(1));
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(SimBuggify::point_enabled(off, 1, point_name(i)));
    EXPECT_FALSE(b.fire(point_name(i)));
  }
  EXPECT_TRUE(b.fired().empty());
}

TEST(SimBuggify, EnablementExtremes) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(SimBuggify::point_enabled(on(1'000'000), 5, point_name(i)));
    EXPECT_FALSE(SimBuggify::point_enabled(on(0), 5, point_name(i)));
  }
}

TEST(SimBuggify, EnabledShareMatchesTheConfig) {
  int enabled = 0;
  for (int i = 0; i < 20'000; ++i) enabled += SimBuggify::point_enabled(on(), 9, point_name(i));
  EXPECT_GT(enabled, 4'500);  // 25% of 20000 = 5000
  EXPECT_LT(enabled, 5'500);
}

RC_GTEST_PROP(SimBuggify, EnablementIsAPureFunctionOfSeedAndName,
              (std::uint64_t seed, std::vector<std::string> names, std::uint64_t order_seed)) {
  // The same answer whenever and in whatever order the points are asked about, and from any
  // SimBuggify instance (any node, any incarnation) of the run.
  const BuggifyConfig c = on();
  std::vector<bool> first;
  for (const auto& n : names) first.push_back(SimBuggify::point_enabled(c, seed, n));
  SimBuggify node_a(c, seed, Xoshiro256ss(order_seed));
  SimBuggify node_b(c, seed, Xoshiro256ss(order_seed + 1));
  Xoshiro256ss shuffle(order_seed);
  for (std::size_t k = 0; k < names.size() * 3; ++k) {
    const std::size_t i = uniform_below(shuffle, names.size());
    (void)node_a.fire(names[i]);  // firing draws must not affect enablement
    RC_ASSERT(SimBuggify::point_enabled(c, seed, names[i]) == first[i]);
    if (!first[i]) {
      RC_ASSERT(!node_a.fire(names[i]));
      RC_ASSERT(!node_b.fire(names[i]));
    }
  }
}

TEST(SimBuggify, EnablementDependsOnTheSeed) {
  std::set<std::vector<bool>> patterns;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    std::vector<bool> p;
    for (int i = 0; i < 32; ++i) {
      p.push_back(SimBuggify::point_enabled(on(), seed, point_name(i)));
    }
    patterns.insert(p);
  }
  EXPECT_EQ(patterns.size(), 10u);
}

TEST(SimBuggify, EnabledPointFiresAtTheConfiguredRateAndCounts) {
  const BuggifyConfig c = on(1'000'000, 100'000);
  SimBuggify b(c, 3, Xoshiro256ss(3));
  int fired = 0;
  for (int i = 0; i < 100'000; ++i) fired += b.fire("hot.path");
  EXPECT_GT(fired, 9'000);
  EXPECT_LT(fired, 11'000);
  ASSERT_EQ(b.fired().size(), 1u);
  EXPECT_EQ(b.fired().at("hot.path"), static_cast<std::uint64_t>(fired));
}

TEST(SimBuggify, FiresTheSameWayForTheSameStream) {
  const BuggifyConfig c = on(1'000'000, 300'000);
  SimBuggify a(c, 11, Xoshiro256ss::stream(11, 2));
  SimBuggify b(c, 11, Xoshiro256ss::stream(11, 2));
  SimBuggify other(c, 11, Xoshiro256ss::stream(11, 3));
  std::vector<bool> fa, fb, fo;
  for (int i = 0; i < 500; ++i) {
    fa.push_back(a.fire(point_name(i % 5)));
    fb.push_back(b.fire(point_name(i % 5)));
    fo.push_back(other.fire(point_name(i % 5)));
  }
  EXPECT_EQ(fa, fb);
  EXPECT_NE(fa, fo);
}

// In a world: a node's program asks one point 200 times at start. Returns the firing pattern.
std::vector<bool> world_pattern(std::uint64_t seed, bool enabled) {
  WorldConfig cfg = config_with_seed(seed);
  cfg.buggify = on(1'000'000, 200'000);
  cfg.buggify.enabled = enabled;
  World w(cfg);
  std::vector<bool> pattern;
  ScriptProgram::Hooks h;
  h.start = [&pattern](ScriptProgram& p) {
    for (int i = 0; i < 200; ++i) {
      pattern.push_back(p.env().buggify().fire("sync.drop_response"));
    }
  };
  w.add_node(script(h));
  w.run_until(kTimeZero);
  return pattern;
}

TEST(SimBuggify, InAWorldFiringIsDeterministicPerSeed) {
  const auto a = world_pattern(21, true);
  EXPECT_EQ(a, world_pattern(21, true));
  EXPECT_NE(a, world_pattern(22, true));
  EXPECT_NE(std::count(a.begin(), a.end(), true), 0);
  const auto off = world_pattern(21, false);
  EXPECT_EQ(std::count(off.begin(), off.end(), true), 0);
}

TEST(SimBuggify, DefaultWorldConfigHasBuggifyOff) {
  EXPECT_FALSE(WorldConfig{}.buggify.enabled);
  World w(config_with_seed(1));
  bool fired = false;
  ScriptProgram::Hooks h;
  h.start = [&fired](ScriptProgram& p) {
    for (int i = 0; i < 1000; ++i) fired |= p.env().buggify().fire("x");
  };
  w.add_node(script(h));
  w.run_until(kTimeZero);
  EXPECT_FALSE(fired);
}

TEST(SimBuggify, ANewPointNeverShiftsAnExistingOne) {
  // "old" fires on the same calls whether or not another enabled point is called between.
  const BuggifyConfig c = on(1'000'000, 300'000);
  SimBuggify alone(c, 4, Xoshiro256ss(4));
  SimBuggify mixed(c, 4, Xoshiro256ss(4));
  for (int i = 0; i < 500; ++i) {
    const bool a = alone.fire("old.point");
    (void)mixed.fire("new.point");
    (void)mixed.fire("new.point");
    ASSERT_EQ(mixed.fire("old.point"), a) << "call " << i;
  }
}

}  // namespace
}  // namespace alys::sim
