// Unit tests of the actor system's pure parts: mailbox order and eviction, the lifecycle
// transition table, backoff delays, the circuit breaker and the token bucket. The actor
// runtime itself is tested on both runtimes in runtime-real/tests/actor_*_test.cc.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "core/actor/backoff.h"
#include "core/actor/circuit_breaker.h"
#include "core/actor/lifecycle.h"
#include "core/actor/mailbox.h"
#include "core/actor/ring_queue.h"
#include "core/actor/token_bucket.h"

namespace alys::actor {
namespace {

Envelope<int> env(int v, Priority p) {
  Envelope<int> e{v, {}};
  e.meta.priority = p;
  return e;
}

TEST(RingQueue, FifoAcrossGrowthAndWrap) {
  RingQueue<std::unique_ptr<int>> q;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < round % 7 + 1; ++i) q.push_back(std::make_unique<int>(next_in++));
    for (int i = 0; i < round % 5 && !q.empty(); ++i) EXPECT_EQ(*q.pop_front(), next_out++);
  }
  while (!q.empty()) EXPECT_EQ(*q.pop_front(), next_out++);
  EXPECT_EQ(next_in, next_out);
}

TEST(Mailbox, HighestPriorityFirstFifoWithin) {
  Mailbox<int> mb;
  mb.push(env(1, Priority::kLow));
  mb.push(env(2, Priority::kNormal));
  mb.push(env(3, Priority::kCritical));
  mb.push(env(4, Priority::kNormal));
  mb.push(env(5, Priority::kHigh));
  mb.push(env(6, Priority::kCritical));
  std::vector<int> out;
  while (!mb.empty()) out.push_back(mb.pop().message);
  EXPECT_EQ(out, (std::vector<int>{3, 6, 5, 2, 4, 1}));
}

TEST(Mailbox, EvictsOldestOfLowestPriority) {
  Mailbox<int> mb;
  mb.push(env(1, Priority::kHigh));
  mb.push(env(2, Priority::kNormal));
  mb.push(env(3, Priority::kNormal));
  EXPECT_EQ(mb.lowest_queued(), Priority::kNormal);
  EXPECT_EQ(mb.evict_oldest().message, 2);
  EXPECT_EQ(mb.size(), 2u);
}

RC_GTEST_PROP(Mailbox, PopOrderIsStableSortByPriority,
              (std::vector<std::pair<std::uint8_t, int>> in)) {
  Mailbox<int> mb;
  std::vector<std::pair<int, int>> expect;  // (priority, insertion index)
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto p = static_cast<Priority>(in[i].first % 4);
    mb.push(env(static_cast<int>(i), p));
    expect.emplace_back(static_cast<int>(p), static_cast<int>(i));
  }
  std::stable_sort(expect.begin(), expect.end(), [](auto a, auto b) { return a.first < b.first; });
  for (const auto& e : expect) RC_ASSERT(mb.pop().message == e.second);
  RC_ASSERT(mb.empty());
}

TEST(Lifecycle, TableAllowsTheDocumentedPaths) {
  using S = LifecycleState;
  const std::pair<S, S> legal[] = {
      {S::kUninitialized, S::kStarting}, {S::kStarting, S::kRunning},
      {S::kStarting, S::kStartFailed},   {S::kRunning, S::kCrashed},
      {S::kRunning, S::kStopping},       {S::kStopping, S::kStopped},
      {S::kCrashed, S::kRestarting},     {S::kCrashed, S::kBackoff},
      {S::kBackoff, S::kRestarting},     {S::kRestarting, S::kRunning},
      {S::kCrashed, S::kFailed},         {S::kStopped, S::kStarting},
  };
  for (auto [from, to] : legal) {
    EXPECT_TRUE(is_legal_transition(from, to))
        << lifecycle_state_name(from) << " -> " << lifecycle_state_name(to);
  }
  EXPECT_FALSE(is_legal_transition(S::kFailed, S::kStarting));
  EXPECT_FALSE(is_legal_transition(S::kRunning, S::kRunning));
  EXPECT_FALSE(is_legal_transition(S::kUninitialized, S::kRunning));
  EXPECT_FALSE(is_legal_transition(S::kStopping, S::kRunning));
  EXPECT_TRUE(is_final(S::kFailed));
  for (std::size_t i = 0; i < kLifecycleStateCount; ++i) {
    EXPECT_FALSE(is_legal_transition(S::kFailed, static_cast<S>(i)));
  }
}

TEST(LifecycleDeathTest, IllegalTransitionAsserts) {
  EXPECT_DEATH((void)lifecycle_transition(LifecycleState::kStopped, LifecycleState::kRunning),
               "illegal lifecycle transition stopped -> running");
}

TEST(Backoff, GrowsByTheMultiplierAndCaps) {
  BackoffConfig c;
  c.initial = 100ms;
  c.max = 1s;
  c.multiplier_percent = 300;
  EXPECT_EQ(backoff_delay(c, 0), 100ms);
  EXPECT_EQ(backoff_delay(c, 1), 300ms);
  EXPECT_EQ(backoff_delay(c, 2), 900ms);
  EXPECT_EQ(backoff_delay(c, 3), 1s);
  EXPECT_EQ(backoff_delay(c, 1000), 1s);  // no overflow
  c.multiplier_percent = 150;
  EXPECT_EQ(backoff_delay(c, 1), 150ms);
}

TEST(Backoff, JitterStaysWithinSpreadAndCap) {
  BackoffConfig c;
  c.initial = 100ms;
  c.max = 10s;
  c.jitter_ppm = 200'000;  // up to +20%
  SeededRandom r(Xoshiro256ss(3));
  std::map<std::int64_t, int> seen;
  for (int i = 0; i < 1000; ++i) {
    const Duration d = backoff_delay(c, 0, r);
    ASSERT_GE(d, 100ms);
    ASSERT_LE(d, 120ms);
    ++seen[d.count()];
  }
  EXPECT_GT(seen.size(), 100u);
  c.max = 105ms;
  for (int i = 0; i < 100; ++i) ASSERT_LE(backoff_delay(c, 0, r), 105ms);
}

TEST(CircuitBreaker, OpensHalfOpensAndCloses) {
  CircuitBreaker b(CircuitBreakerConfig{3, 10s, 2});
  Instant t{};
  b.on_failure(t);
  b.on_failure(t);
  b.on_success(t);  // resets the consecutive count
  b.on_failure(t);
  b.on_failure(t);
  EXPECT_EQ(b.state(t), BreakerState::kClosed);
  b.on_failure(t);
  EXPECT_EQ(b.state(t), BreakerState::kOpen);
  EXPECT_FALSE(b.allow(t + 9s));
  EXPECT_TRUE(b.allow(t + 10s));
  EXPECT_EQ(b.state(t + 10s), BreakerState::kHalfOpen);
  b.on_failure(t + 11s);  // one failure half-open: open again, fresh timeout
  EXPECT_EQ(b.state(t + 20s), BreakerState::kOpen);
  EXPECT_EQ(b.state(t + 21s), BreakerState::kHalfOpen);
  b.on_success(t + 21s);
  EXPECT_EQ(b.state(t + 21s), BreakerState::kHalfOpen);
  b.on_success(t + 21s);
  EXPECT_EQ(b.state(t + 21s), BreakerState::kClosed);
  EXPECT_EQ(b.times_opened(), 2u);
}

TEST(TokenBucket, BurstThenRefill) {
  TokenBucket b(RateLimit{3, 2}, Instant{});
  Instant t{};
  EXPECT_TRUE(b.try_take(t));
  EXPECT_TRUE(b.try_take(t));
  EXPECT_TRUE(b.try_take(t));
  EXPECT_FALSE(b.try_take(t));
  EXPECT_FALSE(b.try_take(t + 499ms));
  EXPECT_TRUE(b.try_take(t + 500ms));  // 2 per second
  EXPECT_FALSE(b.try_take(t + 500ms));
  EXPECT_TRUE(b.try_take(t + 100h));  // refill caps at the burst, no overflow
  EXPECT_TRUE(b.try_take(t + 100h));
  EXPECT_TRUE(b.try_take(t + 100h));
  EXPECT_FALSE(b.try_take(t + 100h));
  TokenBucket unlimited(RateLimit{0, 0}, t);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(unlimited.try_take(t));
}

}  // namespace
}  // namespace alys::actor
