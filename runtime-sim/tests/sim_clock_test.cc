// SimClock: monotonic now() is the world's virtual time; unix_ms() is epoch + per-node
// offset, running fast or slow by drift_ppm, and stepped by jump(). Integer arithmetic only:
// the closed form is checked exactly (with 128-bit reference arithmetic) over runs of up to
// two centuries, where a naive elapsed * ppm would overflow.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::script;

__extension__ using i128 = __int128;

// Floor division for the reference (C++ '/' truncates toward zero).
std::int64_t floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return static_cast<std::int64_t>(q);
}

// The wall clock `elapsed_ns` after the anchor: whole microseconds elapsed, plus drift on
// them truncated toward zero, floored to milliseconds.
std::int64_t expected_unix_ms(std::int64_t initial_ms, std::int64_t drift_ppm,
                              std::int64_t elapsed_ns) {
  const i128 us = elapsed_ns / 1000;
  const i128 drift_us = us * drift_ppm / 1'000'000;  // i128 '/' truncates toward zero
  return floor_div(i128{initial_ms} * 1000 + us + drift_us, 1000);
}

void advance_to(World& w, Instant t) { w.run_until(t); }

TEST(SimClock, NowIsTheWorldsVirtualTime) {
  World w(config_with_seed(1));
  SimClock c(w, 1'000, 0);
  EXPECT_EQ(to_ns(c.now()), 0);
  advance_to(w, kTimeZero + 1234567ns);
  EXPECT_EQ(to_ns(c.now()), 1234567);
  c.jump(-5'000);  // wall clock faults never touch the monotonic clock
  c.set_drift_ppm(300'000);
  EXPECT_EQ(to_ns(c.now()), 1234567);
}

TEST(SimClock, WallClockFollowsVirtualTimeTruncatedToMilliseconds) {
  World w(config_with_seed(1));
  SimClock c(w, 1'750'000'000'000, 0);
  EXPECT_EQ(c.unix_ms(), 1'750'000'000'000);
  advance_to(w, kTimeZero + 999us);
  EXPECT_EQ(c.unix_ms(), 1'750'000'000'000);
  advance_to(w, kTimeZero + 1ms);
  EXPECT_EQ(c.unix_ms(), 1'750'000'000'001);
  advance_to(w, kTimeZero + 1h);
  EXPECT_EQ(c.unix_ms(), 1'750'000'000'000 + 3'600'000);
}

TEST(SimClock, DriftRunsTheWallClockFastOrSlow) {
  World w(config_with_seed(1));
  SimClock fast(w, 0, 100);
  SimClock slow(w, 0, -250);
  advance_to(w, kTimeZero + 1000s);
  EXPECT_EQ(fast.unix_ms(), 1'000'000 + 100);
  EXPECT_EQ(slow.unix_ms(), 1'000'000 - 250);
  EXPECT_EQ(fast.drift_ppm(), 100);
}

TEST(SimClock, NegativeWallTimesFloor) {
  World w(config_with_seed(1));
  SimClock c(w, -1, 0);
  EXPECT_EQ(c.unix_ms(), -1);
  advance_to(w, kTimeZero + 500us);  // -0.5ms -> floor -1
  EXPECT_EQ(c.unix_ms(), -1);
  advance_to(w, kTimeZero + 1ms);
  EXPECT_EQ(c.unix_ms(), 0);
}

RC_GTEST_PROP(SimClock, UnixMsMatchesTheClosedFormOverLongRuns,
              (std::int32_t initial_raw, std::int32_t drift_raw,
               std::vector<std::uint64_t> steps)) {
  const std::int64_t initial = std::int64_t{initial_raw} * 1000;
  const std::int64_t drift = drift_raw % 500'000;  // within +-50%
  World w(config_with_seed(1));
  SimClock c(w, initial, drift);
  constexpr std::int64_t k200Years = std::int64_t{200} * 365 * 24 * 3600 * 1'000'000'000;
  std::sort(steps.begin(), steps.end());
  std::int64_t previous = c.unix_ms();
  for (std::uint64_t s : steps) {
    const auto t = static_cast<std::int64_t>(s % static_cast<std::uint64_t>(k200Years));
    advance_to(w, kTimeZero + Duration(t));
    const std::int64_t now_ns = to_ns(w.now());
    RC_ASSERT(c.unix_ms() == expected_unix_ms(initial, drift, now_ns));
    RC_ASSERT(c.unix_ms() >= previous);  // no jumps and |drift| < 100%: never backwards
    previous = c.unix_ms();
  }
}

RC_GTEST_PROP(SimClock, JumpStepsTheWallClockByExactlyDelta,
              (std::uint32_t jump_at_ns, std::int32_t delta_ms,
               std::vector<std::uint32_t> later_ns)) {
  // Two clocks of one world, identical but for one jump: at the jump and at every later
  // instant they differ by exactly delta. Jump instants are arbitrary nanoseconds.
  World w(config_with_seed(1));
  SimClock plain(w, 1'000'000, 0);
  SimClock jumped(w, 1'000'000, 0);
  advance_to(w, kTimeZero + Duration(jump_at_ns));
  jumped.jump(delta_ms);
  RC_ASSERT(jumped.unix_ms() - plain.unix_ms() == delta_ms);
  std::sort(later_ns.begin(), later_ns.end());
  for (std::uint32_t t : later_ns) {
    advance_to(w, w.now() + Duration(t));
    RC_ASSERT(jumped.unix_ms() - plain.unix_ms() == delta_ms);
  }
}

RC_GTEST_PROP(SimClock, JumpWithDriftIsExactAtWholeSecondsAndWithinAMillisecondOtherwise,
              (std::uint16_t jump_at_s, std::uint32_t jump_at_ns, std::int32_t drift_raw,
               std::int16_t delta_ms, std::vector<std::uint32_t> later_ns)) {
  const std::int64_t drift = drift_raw % 100'000;
  World w(config_with_seed(1));
  SimClock plain(w, 5'000, drift);
  SimClock whole(w, 5'000, drift);   // jumps at a whole second
  SimClock any(w, 5'000, drift);     // jumps a few ns later
  advance_to(w, kTimeZero + std::chrono::seconds(jump_at_s));
  whole.jump(delta_ms);
  advance_to(w, w.now() + Duration(jump_at_ns % 1'000'000'000));
  any.jump(delta_ms);
  std::sort(later_ns.begin(), later_ns.end());
  for (std::uint32_t t : later_ns) {
    advance_to(w, w.now() + Duration(t) * 16);
    RC_ASSERT(whole.unix_ms() - plain.unix_ms() == delta_ms);
    const std::int64_t d = any.unix_ms() - plain.unix_ms() - delta_ms;
    RC_ASSERT(d >= -1);
    RC_ASSERT(d <= 1);
  }
}

TEST(SimClock, SetDriftIsContinuousAndAppliesFromNow) {
  World w(config_with_seed(1));
  SimClock c(w, 0, 0);
  advance_to(w, kTimeZero + 10s);
  const std::int64_t before = c.unix_ms();
  c.set_drift_ppm(1'000);  // 0.1% fast from now on
  EXPECT_EQ(c.unix_ms(), before);
  EXPECT_EQ(c.drift_ppm(), 1'000);
  advance_to(w, kTimeZero + 110s);
  EXPECT_EQ(c.unix_ms(), before + 100'000 + 100);
  c.set_drift_ppm(-1'000);
  advance_to(w, kTimeZero + 210s);
  EXPECT_EQ(c.unix_ms(), before + 200'000);
}

TEST(SimClock, JumpBackwardsMovesTheWallClockBackButNotNow) {
  World w(config_with_seed(1));
  SimClock c(w, 10'000, 0);
  advance_to(w, kTimeZero + 1s);
  c.jump(-3'000);
  EXPECT_EQ(c.unix_ms(), 8'000);
  EXPECT_EQ(to_ns(c.now()), 1'000'000'000);
  advance_to(w, kTimeZero + 2s);
  EXPECT_EQ(c.unix_ms(), 9'000);
}

TEST(SimClock, WorldGivesEachNodeASeededOffsetAndDriftWithinBounds) {
  auto sample = [](std::uint64_t seed) {
    WorldConfig cfg = config_with_seed(seed);
    cfg.clocks.epoch_unix_ms = 1'000'000'000;
    cfg.clocks.max_initial_offset_ms = 250;
    cfg.clocks.max_drift_ppm = 100;
    World w(cfg);
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (int i = 0; i < 8; ++i) {
      const NodeId id = w.add_node(script());
      out.emplace_back(w.clock(id).unix_ms(), w.clock(id).drift_ppm());
    }
    return out;
  };
  const auto a = sample(3);
  EXPECT_EQ(a, sample(3));
  EXPECT_NE(a, sample(4));
  std::set<std::int64_t> offsets;
  for (const auto& [wall, drift] : a) {
    EXPECT_GE(wall, 1'000'000'000 - 250);
    EXPECT_LE(wall, 1'000'000'000 + 250);
    EXPECT_GE(drift, -100);
    EXPECT_LE(drift, 100);
    offsets.insert(wall);
  }
  EXPECT_GT(offsets.size(), 1u);
}

TEST(SimClock, DefaultConfigHasNoSkew) {
  World w(config_with_seed(3));
  for (int i = 0; i < 4; ++i) w.add_node(script());
  for (NodeId i = 0; i < 4; ++i) {
    EXPECT_EQ(w.clock(i).unix_ms(), WorldConfig{}.clocks.epoch_unix_ms);
    EXPECT_EQ(w.clock(i).drift_ppm(), 0);
  }
}

TEST(SimClock, ANodeAddedLaterStartsAtTheWorldsWallTime) {
  World w(config_with_seed(3));
  w.run_until(kTimeZero + 90s);
  const NodeId id = w.add_node(script());
  EXPECT_EQ(w.clock(id).unix_ms(), WorldConfig{}.clocks.epoch_unix_ms + 90'000);
}

TEST(SimClock, TheWallClockSurvivesACrash) {
  World w(config_with_seed(3));
  w.add_node(script());
  w.run_until(kTimeZero + 1s);
  w.clock(0).jump(7'000);
  const std::int64_t before = w.clock(0).unix_ms();
  w.crash(0);
  w.run_until(kTimeZero + 2s);
  w.restart(0);
  w.run_until(kTimeZero + 3s);
  EXPECT_EQ(w.clock(0).unix_ms(), before + 2'000);
  EXPECT_EQ(testing::prog(w, 0).env().clock().unix_ms(), before + 2'000);
}

}  // namespace
}  // namespace alys::sim
