// World::crash and its durability modes: kKeepAll keeps every unsynced batch, kLoseAll
// keeps none, kSeeded keeps none / all / a prefix chosen by the world seed (the same for the
// same seed). The node's program and volatile state vanish; the disk and clock survive.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::prog;
using testing::script;
using testing::ScriptProgram;

constexpr int kUnsynced = 5;

// Boots one node whose program writes one synced batch ("base") and then kUnsynced unsynced
// batches, each setting "last" and adding its own key; then crashes it with `mode`.
// Returns how many unsynced batches survived, after checking they form a prefix.
std::size_t crash_after_writes(std::uint64_t seed, CrashDurability mode) {
  World w(config_with_seed(seed));
  ScriptProgram::Hooks h;
  h.start = [](ScriptProgram& p) {
    Storage& disk = p.env().storage();
    WriteBatch base;
    base.put("base", "1");
    base.put("last", "0");
    EXPECT_TRUE(disk.write(base, {.sync = true}).is_ok());
    for (int i = 1; i <= kUnsynced; ++i) {
      WriteBatch b;
      b.put("last", std::to_string(i));
      b.put("u" + std::to_string(i), "x");
      EXPECT_TRUE(disk.write(b, {.sync = false}).is_ok());
    }
  };
  w.add_node(script(h));
  w.run_until(kTimeZero + 1ms);
  EXPECT_EQ(w.disk(0).unsynced_batches(), static_cast<std::size_t>(kUnsynced));
  w.crash(0, mode);
  const auto& c = w.disk(0).contents();
  auto get = [&c](const std::string& k) -> std::string {
    auto it = c.find(to_bytes(k));
    return it == c.end() ? "<none>" : std::string(as_chars(it->second));
  };
  EXPECT_EQ(get("base"), "1") << "a synced write was lost";
  const int last = std::stoi(get("last"));
  for (int i = 1; i <= kUnsynced; ++i) {
    // Batch-atomic and in order: batch i survived iff i <= last.
    EXPECT_EQ(get("u" + std::to_string(i)), i <= last ? "x" : "<none>") << "batch " << i;
  }
  EXPECT_EQ(c.size(), static_cast<std::size_t>(2 + last));
  EXPECT_EQ(w.disk(0).unsynced_batches(), 0u);
  return static_cast<std::size_t>(last);
}

TEST(WorldCrash, KeepAllKeepsEveryUnsyncedBatch) {
  EXPECT_EQ(crash_after_writes(1, CrashDurability::kKeepAll), static_cast<std::size_t>(kUnsynced));
}

TEST(WorldCrash, LoseAllKeepsOnlySyncedData) {
  EXPECT_EQ(crash_after_writes(1, CrashDurability::kLoseAll), 0u);
}

TEST(WorldCrash, SeededKeepsAPrefixChosenByTheSeed) {
  std::set<std::size_t> outcomes;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const std::size_t kept = crash_after_writes(seed, CrashDurability::kSeeded);
    EXPECT_EQ(crash_after_writes(seed, CrashDurability::kSeeded), kept)
        << "seed " << seed << " replayed a different crash";
    outcomes.insert(kept);
  }
  // The seeded model explores none, all, and partial prefixes.
  EXPECT_TRUE(outcomes.count(0));
  EXPECT_TRUE(outcomes.count(kUnsynced));
  bool partial = false;
  for (auto k : outcomes) partial |= k > 0 && k < static_cast<std::size_t>(kUnsynced);
  EXPECT_TRUE(partial) << "no seed kept a strict prefix";
}

TEST(WorldCrash, DefaultDurabilityIsSeeded) {
  // Two worlds with the same seed, one crashing with the default argument: same outcome.
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    World a(config_with_seed(seed));
    World b(config_with_seed(seed));
    for (World* w : {&a, &b}) {
      w->add_node(script());
      w->run_until(kTimeZero);
      for (int i = 0; i < 4; ++i) {
        WriteBatch batch;
        batch.put("k" + std::to_string(i), "v");
        ASSERT_TRUE(w->disk(0).write(batch, {}).is_ok());
      }
    }
    a.crash(0);
    b.crash(0, CrashDurability::kSeeded);
    EXPECT_EQ(a.disk(0).contents(), b.disk(0).contents());
    EXPECT_EQ(a.trace_hash(), b.trace_hash());
  }
}

// What a seeded crash keeps is drawn from that crash (node, instant): an earlier crash of
// another node, present in one world and not the other, does not change it. (With one
// stream shared by every crash it did, and `shrink` could not remove a crash without
// changing what the later ones lost.)
TEST(WorldCrash, ASeededCrashKeepsTheSameWithOrWithoutAnEarlierCrashElsewhere) {
  std::set<std::size_t> outcomes;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::size_t kept[2] = {0, 0};
    for (int with_other = 0; with_other < 2; ++with_other) {
      World w(config_with_seed(seed));
      w.add_node(script());
      w.add_node(script());
      w.run_until(kTimeZero);
      for (NodeId n : {NodeId{0}, NodeId{1}}) {
        for (int i = 0; i < kUnsynced; ++i) {
          WriteBatch batch;
          batch.put("k" + std::to_string(i), "v");
          ASSERT_TRUE(w.disk(n).write(batch, {}).is_ok());
        }
      }
      if (with_other == 1) w.crash(1, CrashDurability::kSeeded);
      w.run_until(kTimeZero + 5ms);
      w.crash(0, CrashDurability::kSeeded);
      kept[with_other] = w.disk(0).contents().size();
    }
    EXPECT_EQ(kept[0], kept[1]) << "seed " << seed;
    outcomes.insert(kept[0]);
  }
  EXPECT_GT(outcomes.size(), 1u) << "every seed kept the same: the draw ignores the seed";
}

TEST(WorldCrash, CrashOfADownNodeIsHarmless) {
  World w(config_with_seed(2));
  w.add_node(script());
  w.run_until(kTimeZero);
  WriteBatch b;
  b.put("k", "v");
  ASSERT_TRUE(w.disk(0).write(b, {}).is_ok());
  w.crash(0, CrashDurability::kKeepAll);
  w.crash(0, CrashDurability::kLoseAll);  // already down: the disk is not touched again
  EXPECT_EQ(w.disk(0).contents().size(), 1u);
  EXPECT_FALSE(w.is_up(0));
}

TEST(WorldCrash, CrashAndRestartFoldIntoTheTrace) {
  auto run = [](bool crash) {
    World w(config_with_seed(3));
    w.add_node(script());
    w.run_until(kTimeZero + 1ms);
    if (crash) {
      w.crash(0, CrashDurability::kKeepAll);
      w.restart(0);
    }
    w.run_until(kTimeZero + 2ms);
    return w.trace_hash();
  };
  EXPECT_EQ(run(false), run(false));
  EXPECT_EQ(run(true), run(true));
  EXPECT_NE(run(false), run(true));
}

TEST(WorldCrash, VolatileStateVanishesDurableStateSurvives) {
  World w(config_with_seed(4));
  int starts = 0;
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram& p) {
    ++starts;
    p.events.push_back("volatile");
    WriteBatch b;
    b.put("durable", std::to_string(starts));
    EXPECT_TRUE(p.env().storage().write(b, {.sync = true}).is_ok());
  };
  w.add_node(script(h));
  w.run_until(kTimeZero + 1ms);
  ASSERT_EQ(prog(w, 0).events.size(), 1u);
  w.crash(0);
  w.restart(0);
  w.run_until(kTimeZero + 2ms);
  EXPECT_EQ(prog(w, 0).events.size(), 1u);  // a fresh program: one event, its own
  EXPECT_EQ(starts, 2);
  auto stored = prog(w, 0).env().storage().get("durable");
  ASSERT_TRUE(stored);
  EXPECT_EQ(std::string(as_chars(*stored)), "2");
}

}  // namespace
}  // namespace alys::sim
