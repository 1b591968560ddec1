// The nemesis: same seed same plan, its limits hold over many seeds, swarm subsets, and
// Bitcoin kinds only with Bitcoin.
#include <gtest/gtest.h>

#include <map>

#include "chaos/nemesis.h"

namespace alys::chaos {
namespace {

std::string describe_all(const Schedule& s) {
  std::string out;
  for (const auto& f : s) out += describe(f) + "\n";
  return out;
}

NemesisConfig every_kind(std::size_t nodes) {
  NemesisConfig c;
  c.nodes = nodes;
  c.authorities = 5;
  c.max_down = 1;
  c.max_faulty_authorities = 1;
  c.bitcoin = true;
  c.max_reorg_depth = 5;
  c.kinds = std::set<std::string>(nemesis_kinds().begin(), nemesis_kinds().end());
  return c;
}

TEST(Nemesis, SameSeedSamePlanDifferentSeedsDiffer) {
  NemesisConfig c = every_kind(7);
  c.swarm = true;
  c.buggify_seed_ppm = 500'000;
  EXPECT_EQ(describe_all(random_schedule(1, c)), describe_all(random_schedule(1, c)));
  EXPECT_EQ(random_plan(1, c).kinds, random_plan(1, c).kinds);
  int differing = 0;
  for (std::uint64_t seed = 2; seed < 12; ++seed) {
    differing += describe_all(random_schedule(seed, c)) != describe_all(random_schedule(1, c));
  }
  EXPECT_GE(differing, 9);
}

TEST(Nemesis, RespectsItsLimitsOverManySeeds) {
  const NemesisConfig c = every_kind(7);
  std::set<std::string> seen_kinds;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const Schedule s = random_schedule(seed, c);
    ASSERT_TRUE(validate_schedule(s, c.nodes).is_ok()) << validate_schedule(s, c.nodes).message();
    Instant last = kTimeZero;
    for (const auto& f : s) {
      seen_kinds.insert(std::string(kind_name(f.fault)));
      ASSERT_GE(f.at, last) << "seed " << seed << ": not sorted";
      ASSERT_LE(f.at + f.duration, kTimeZero + c.active_for) << "seed " << seed << ": " << describe(f);
      if (!std::holds_alternative<BitcoindOutage>(f.fault) && duration_use(f.fault) != DurationUse::kNone) {
        ASSERT_LE(f.duration, c.max_fault) << describe(f);
      }
      if (const auto* r = std::get_if<BitcoinReorg>(&f.fault)) {
        ASSERT_LE(r->depth, c.max_reorg_depth);
      }
      last = f.at;
    }
    // At every fault start: crashed nodes <= max_down; impaired authorities <= f; one
    // partition at a time.
    for (const auto& probe : s) {
      const Instant t = probe.at;
      std::size_t crashed = 0;
      std::set<NodeId> impaired_authorities;
      int partitions = 0;
      for (const auto& f : s) {
        if (!(f.at <= t && t < f.at + f.duration)) continue;
        if (const auto* c1 = std::get_if<Crash>(&f.fault)) {
          ++crashed;
          if (c1->node < 5) impaired_authorities.insert(c1->node);
        }
        if (const auto* e = std::get_if<EngineStall>(&f.fault)) impaired_authorities.insert(e->node);
        if (const auto* e = std::get_if<Equivocate>(&f.fault)) impaired_authorities.insert(e->node);
        if (const auto* u = std::get_if<Usurp>(&f.fault)) impaired_authorities.insert(u->node);
        if (std::holds_alternative<Partition>(f.fault)) ++partitions;
      }
      ASSERT_LE(crashed, c.max_down) << "seed " << seed << " at " << describe(probe);
      ASSERT_LE(impaired_authorities.size(), c.max_faulty_authorities) << "seed " << seed;
      ASSERT_LE(partitions, 1) << "seed " << seed;
    }
  }
  // Over 300 seeds every kind turns up.
  EXPECT_EQ(seen_kinds.size(), c.kinds.size());
}

TEST(Nemesis, SwarmEnablesASubsetPerSeedAndOnlyThoseKindsAppear) {
  NemesisConfig c = every_kind(7);
  c.swarm = true;
  std::map<std::size_t, int> subset_sizes;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const NemesisPlan plan = random_plan(seed, c);
    ASSERT_FALSE(plan.kinds.empty());
    subset_sizes[plan.kinds.size()]++;
    for (const auto& f : plan.schedule) {
      EXPECT_NE(std::find(plan.kinds.begin(), plan.kinds.end(), kind_name(f.fault)), plan.kinds.end());
    }
  }
  EXPECT_GE(subset_sizes.size(), 4u) << "swarm subsets vary in size";
  EXPECT_EQ(subset_sizes.count(c.kinds.size()), 0u) << "rarely all kinds at once";
}

TEST(Nemesis, BuggifyIsOnForAboutItsShareOfSeeds) {
  NemesisConfig c = every_kind(5);
  c.buggify_seed_ppm = 100'000;
  int on = 0;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) on += random_plan(seed, c).buggify;
  EXPECT_GT(on, 60);
  EXPECT_LT(on, 140);
}

TEST(Nemesis, BitcoinKindsOnlyWithBitcoin) {
  NemesisConfig c = every_kind(5);
  c.bitcoin = false;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    for (const auto& f : random_schedule(seed, c)) {
      EXPECT_FALSE(std::holds_alternative<BitcoinReorg>(f.fault));
      EXPECT_FALSE(std::holds_alternative<BitcoindOutage>(f.fault));
    }
  }
}

TEST(Nemesis, KindsCanBeSwitchedOff) {
  NemesisConfig c;
  c.nodes = 4;
  c.kinds = {"clog"};
  for (const auto& f : random_schedule(3, c)) {
    EXPECT_TRUE(std::holds_alternative<Clog>(f.fault)) << describe(f);
  }
  c.kinds = {};
  EXPECT_TRUE(random_schedule(3, c).empty());
}

}  // namespace
}  // namespace alys::chaos
