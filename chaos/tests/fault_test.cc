// Faults as data: one-line descriptions, application and undo on a world, scheduling with
// durations, and schedule validation.
#include <gtest/gtest.h>

#include <memory>

#include "chaos/fault.h"
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
  EXPECT_EQ(describe(Clog{1, 3}), "clog n1->n3");
  EXPECT_EQ(describe(BreakConnection{0, 4}), "break n0<->n4");
  EXPECT_EQ(describe(LatencySpike{0, 1, 100ms, 2s}), "latency n0->n1 100ms..2s");
  EXPECT_EQ(describe(Loss{0, 1, 5000}), "loss n0->n1 5000ppm");
  EXPECT_EQ(describe(ClockJump{1, -1500}), "clock-jump n1 by -1500ms");
  EXPECT_EQ(describe(ClockDrift{1, 200}), "clock-drift n1 200ppm");
  EXPECT_EQ(describe(CorruptKey{0, "counter"}), "corrupt n0 key 'counter'");
  EXPECT_EQ(describe(CorruptKey{0, ""}), "corrupt n0 a stored key");
  EXPECT_EQ(describe(DiskFull{3}), "disk-full n3");
  EXPECT_EQ(describe(FailWrites{3, 2}), "fail-writes n3 next 2");
  EXPECT_EQ(describe(BitcoinReorg{3, true}), "bitcoin reorg of depth 3, evicting a deposit");
  EXPECT_EQ(describe(BitcoindOutage{4}), "bitcoind of n4 down");
  EXPECT_EQ(describe(ActorPanic{2, "sync"}), "actor sync of n2 panics");
  EXPECT_EQ(describe(Usurp{1}), "n1 usurps (signs blocks in others' slots)");
  EXPECT_EQ(describe(TimedFault{kTimeZero + 12500ms, Heal{}}), "at 12.5s: heal");
  EXPECT_EQ(describe(TimedFault{kTimeZero + 1min, Crash{1}, 20s}), "at 1m: crash n1 (seeded) for 20s");
}

TEST(Fault, EveryKindHasADistinctName) {
  const auto& names = all_kind_names();
  EXPECT_EQ(names.size(), std::variant_size_v<Fault>);
  std::set<std::string> distinct(names.begin(), names.end());
  EXPECT_EQ(distinct.size(), names.size());
  EXPECT_EQ(kind_name(Fault{BitcoindOutage{1}}), "bitcoind-outage");
  EXPECT_EQ(kind_name(Fault{ClockJump{1, 5}}), "clock-jump");
}

TEST(Fault, ApplyAndUndoChangeTheWorld) {
  auto w = world_of(3);
  const FaultTarget target{w.get(), nullptr, {}};
  apply_fault(target, Crash{1, sim::CrashDurability::kKeepAll});
  EXPECT_FALSE(w->is_up(1));
  undo_fault(target, Crash{1, sim::CrashDurability::kKeepAll});
  w->run_until_idle();
  EXPECT_TRUE(w->is_up(1));
  apply_fault(target, Partition{{{0}, {1, 2}}});
  EXPECT_TRUE(w->network().is_cut(0, 1));
  EXPECT_TRUE(w->network().is_cut(2, 0));
  EXPECT_FALSE(w->network().is_cut(1, 2));
  undo_fault(target, Partition{{{0}, {1, 2}}});
  EXPECT_FALSE(w->network().is_cut(0, 1));
  apply_fault(target, CutLink{2, 1});
  EXPECT_TRUE(w->network().is_cut(2, 1));
  undo_fault(target, CutLink{2, 1});
  EXPECT_FALSE(w->network().is_cut(2, 1));
  const std::int64_t before = w->clock(2).unix_ms();
  apply_fault(target, ClockJump{2, -1500});
  EXPECT_EQ(w->clock(2).unix_ms(), before - 1500);
  apply_fault(target, DiskFull{0});
  WriteBatch b;
  b.put("k", "v");
  EXPECT_EQ(w->disk(0).write(b, {}).code(), StatusCode::kIoError);
  undo_fault(target, DiskFull{0});
  EXPECT_TRUE(w->disk(0).write(b, {}).is_ok());
  apply_fault(target, FailWrites{0, 1});
  EXPECT_EQ(w->disk(0).write(b, {}).code(), StatusCode::kIoError);
  EXPECT_TRUE(w->disk(0).write(b, {}).is_ok());
  apply_fault(target, CorruptKey{0, "k"});
  EXPECT_EQ(w->disk(0).get("k").error().code(), StatusCode::kCorruption);
  apply_fault(target, Hostile{50'000, 0}, 10s);
  EXPECT_TRUE(w->network().hostile());
  undo_fault(target, Hostile{50'000, 0});
  EXPECT_FALSE(w->network().hostile());
}

TEST(Fault, CorruptingAStoredKeyAtRandomPicksOneThatExists) {
  auto w = world_of(1);
  const FaultTarget target{w.get(), nullptr, {}};
  WriteBatch b;
  b.put("a", "1");
  b.put("b", "2");
  ASSERT_TRUE(w->disk(0).write(b, {}).is_ok());
  apply_fault(target, CorruptKey{0, ""});
  const bool a_bad = !w->disk(0).get("a").has_value();
  const bool b_bad = !w->disk(0).get("b").has_value();
  EXPECT_NE(a_bad, b_bad);
}

TEST(Fault, FaultsThatCannotActAreSkippedNotFatal) {
  auto w = world_of(2);
  const FaultTarget target{w.get(), nullptr, {}};
  std::vector<std::string> lines;
  w->set_log_sink([&](std::string_view l) { lines.emplace_back(l); });
  apply_fault(target, Restart{0});             // already up
  apply_fault(target, BitcoinReorg{2, false});  // no Bitcoin
  apply_fault(target, ActorPanic{1, "chain"});  // not an Alys node
  apply_fault(target, Equivocate{1}, 10s);      // not an Alys node
  undo_fault(target, Equivocate{1});            // nothing to undo, nothing logged
  EXPECT_TRUE(w->is_up(0));
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& l : lines) EXPECT_NE(l.find("fault skipped"), std::string::npos) << l;
}

TEST(Fault, ScheduledFaultsApplyAtTheirTimeEndAfterTheirDurationAndFoldIntoTheTrace) {
  auto a = world_of(3);
  auto b = world_of(3);
  const FaultTarget target{a.get(), nullptr, {}};
  schedule_faults(target, {{kTimeZero + 5s, Crash{1, sim::CrashDurability::kKeepAll}, 4s},
                           {kTimeZero + 5s, Partition{{{0}, {2}}}, 10s}});
  a->run_until(kTimeZero + 4s);
  EXPECT_TRUE(a->is_up(1));
  a->run_until(kTimeZero + 6s);
  EXPECT_FALSE(a->is_up(1));
  EXPECT_TRUE(a->network().is_cut(0, 2));
  a->run_until(kTimeZero + 10s);
  EXPECT_TRUE(a->is_up(1));
  EXPECT_TRUE(a->network().is_cut(0, 2));
  a->run_until(kTimeZero + 16s);
  EXPECT_FALSE(a->network().is_cut(0, 2));
  b->run_until(kTimeZero + 16s);
  EXPECT_NE(a->trace_hash(), b->trace_hash());
}

TEST(Fault, ValidationNamesTheFaultAndWhy) {
  EXPECT_TRUE(validate_schedule({{kTimeZero + 1s, Crash{2}, 5s}, {kTimeZero, Heal{}}}, 3).is_ok());
  EXPECT_TRUE(
      validate_schedule({{kTimeZero, Hostile{1000, 2000}, 5s}, {kTimeZero, Equivocate{2}, 5s}}, 3)
          .is_ok());
  auto why = [](const Schedule& s) { return validate_schedule(s, 3).message(); };
  EXPECT_NE(why({{kTimeZero, Crash{3}}}).find("fault 0 (at 0s: crash n3 (seeded)): node n3 does not exist"),
            std::string::npos);
  EXPECT_NE(why({{kTimeZero, Heal{}}, {kTimeZero, Clog{0, 1}}}).find("fault 1"), std::string::npos);
  EXPECT_NE(why({{kTimeZero, Clog{0, 1}}}).find("needs a duration"), std::string::npos);
  EXPECT_NE(why({{kTimeZero, Heal{}, 1s}}).find("takes no duration"), std::string::npos);
  EXPECT_NE(why({{kTimeZero, Partition{{{0, 1}, {1, 2}}}}}).find("two groups"), std::string::npos);
  EXPECT_NE(why({{kTimeZero, ActorPanic{0, "nope"}}}).find("no such actor"), std::string::npos);
  EXPECT_NE(why({{kTimeZero, LatencySpike{0, 1, 2s, 1s}, 1s}}).find("min is above max"), std::string::npos);
}

}  // namespace
}  // namespace alys::chaos
