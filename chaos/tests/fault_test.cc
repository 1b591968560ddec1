#include <gtest/gtest.h>

#include <memory>

#include "chaos/fault.h"
#include "chaos/nemesis.h"
#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::chaos {
namespace {

class Idle final : public NodeProgram {
 public:
  void start() override {}
};

std::unique_ptr<sim::World> world_of(std::size_t nodes) {
  auto w = std::make_unique<sim::World>(sim::WorldConfig{});
  for (std::size_t i = 0; i < nodes; ++i) w->add_node([](Env&) { return std::make_unique<Idle>(); });
  w->run_until_idle();
  return w;
}

TEST(Fault, DescribesEachKindOnOneLine) {
  EXPECT_EQ(describe(Crash{2, sim::CrashDurability::kLoseAll}), "crash n2 (lose-unsynced)");
  EXPECT_EQ(describe(Restart{2}), "restart n2");
  EXPECT_EQ(describe(Partition{{{0, 1}, {2, 3, 4}}}), "partition {n0 n1} {n2 n3 n4}");
  EXPECT_EQ(describe(CutLink{1, 3}), "cut n1->n3");
  EXPECT_EQ(describe(Heal{}), "heal");
  EXPECT_EQ(describe(Clog{1, 3, 2s}), "clog n1->n3 for 2s");
  EXPECT_EQ(describe(BreakConnection{0, 4}), "break n0<->n4");
  EXPECT_EQ(describe(ClockJump{1, -1500}), "clock-jump n1 by -1500ms");
  EXPECT_EQ(describe(ClockDrift{1, 200}), "clock-drift n1 200ppm");
  EXPECT_EQ(describe(CorruptKey{0, "counter"}), "corrupt n0 key 'counter'");
  EXPECT_EQ(describe(DiskFull{3, true}), "disk-full n3");
  EXPECT_EQ(describe(TimedFault{kTimeZero + 12500ms, Heal{}}), "at 12.5s: heal");
}

TEST(Fault, ApplyChangesTheWorld) {
  auto w = world_of(3);
  apply_fault(*w, Crash{1, sim::CrashDurability::kKeepAll});
  EXPECT_FALSE(w->is_up(1));
  apply_fault(*w, Restart{1});
  w->run_until_idle();
  EXPECT_TRUE(w->is_up(1));
  apply_fault(*w, Partition{{{0}, {1, 2}}});
  EXPECT_TRUE(w->network().is_cut(0, 1));
  EXPECT_TRUE(w->network().is_cut(2, 0));
  EXPECT_FALSE(w->network().is_cut(1, 2));
  apply_fault(*w, Heal{});
  EXPECT_FALSE(w->network().is_cut(0, 1));
  const std::int64_t before = w->clock(2).unix_ms();
  apply_fault(*w, ClockJump{2, -1500});
  EXPECT_EQ(w->clock(2).unix_ms(), before - 1500);
  apply_fault(*w, DiskFull{0, true});
  WriteBatch b;
  b.put("k", "v");
  EXPECT_EQ(w->disk(0).write(b, {}).code(), StatusCode::kIoError);
  apply_fault(*w, DiskFull{0, false});
  EXPECT_TRUE(w->disk(0).write(b, {}).is_ok());
  apply_fault(*w, CorruptKey{0, "k"});
  EXPECT_EQ(w->disk(0).get("k").error().code(), StatusCode::kCorruption);
}

TEST(Fault, ScheduledFaultsApplyAtTheirTimeAndFoldIntoTheTrace) {
  auto a = world_of(3);
  auto b = world_of(3);
  schedule_faults(*a, {{kTimeZero + 5s, Crash{1, sim::CrashDurability::kKeepAll}},
                       {kTimeZero + 9s, Restart{1}}});
  a->run_until(kTimeZero + 4s);
  EXPECT_TRUE(a->is_up(1));
  a->run_until(kTimeZero + 6s);
  EXPECT_FALSE(a->is_up(1));
  a->run_until(kTimeZero + 10s);
  EXPECT_TRUE(a->is_up(1));
  b->run_until(kTimeZero + 10s);
  EXPECT_NE(a->trace_hash(), b->trace_hash());
}

TEST(Nemesis, SameSeedSameScheduleDifferentSeedsDiffer) {
  NemesisConfig c;
  c.nodes = 5;
  c.max_down = 2;
  auto describe_all = [](const Schedule& s) {
    std::string out;
    for (const auto& f : s) out += describe(f) + "\n";
    return out;
  };
  EXPECT_EQ(describe_all(random_schedule(1, c)), describe_all(random_schedule(1, c)));
  int differing = 0;
  for (std::uint64_t seed = 2; seed < 12; ++seed) {
    differing += describe_all(random_schedule(seed, c)) != describe_all(random_schedule(1, c));
  }
  EXPECT_GE(differing, 9);
}

TEST(Nemesis, RespectsItsLimits) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    NemesisConfig c;
    c.nodes = 5;
    c.max_down = 2;
    c.active_for = 5min;
    const Schedule s = random_schedule(seed, c);
    std::vector<bool> down(c.nodes, false);
    std::size_t down_count = 0;
    bool partitioned = false;
    Instant last = kTimeZero;
    for (const auto& f : s) {
      ASSERT_GE(f.at, last) << "seed " << seed << ": not sorted";
      ASSERT_LE(f.at, kTimeZero + c.active_for) << "seed " << seed << ": " << describe(f);
      last = f.at;
      if (auto* crash = std::get_if<Crash>(&f.fault)) {
        ASSERT_FALSE(down[crash->node]) << "seed " << seed << ": crashes a down node";
        down[crash->node] = true;
        ASSERT_LE(++down_count, c.max_down) << "seed " << seed;
      } else if (auto* restart = std::get_if<Restart>(&f.fault)) {
        ASSERT_TRUE(down[restart->node]) << "seed " << seed;
        down[restart->node] = false;
        --down_count;
      } else if (std::holds_alternative<Partition>(f.fault)) {
        ASSERT_FALSE(partitioned) << "seed " << seed << ": nested partition";
        partitioned = true;
      } else if (std::holds_alternative<Heal>(f.fault)) {
        partitioned = false;
      }
    }
    EXPECT_EQ(down_count, 0u) << "seed " << seed << ": a crash without restart";
    EXPECT_FALSE(partitioned) << "seed " << seed << ": a partition without heal";
  }
}

TEST(Nemesis, KindsCanBeSwitchedOff) {
  NemesisConfig c;
  c.nodes = 4;
  c.crashes = false;
  c.partitions = false;
  c.clock_faults = false;
  for (const auto& f : random_schedule(3, c)) {
    EXPECT_TRUE(std::holds_alternative<Clog>(f.fault)) << describe(f);
  }
  c.clogs = false;
  EXPECT_TRUE(random_schedule(3, c).empty());
}

}  // namespace
}  // namespace alys::chaos
