// SimExecutor: posts of one node run FIFO and never inline; timers fire at their deadline;
// cancel semantics; a crash drops every pending post and timer; restart builds a fresh
// program that recovers from the disk; strands.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime-sim/sim_executor.h"
#include "runtime-sim/tests/test_util.h"

namespace alys::sim {
namespace {

using testing::config_with_seed;
using testing::prog;
using testing::script;
using testing::ScriptProgram;

Instant at(Duration d) { return kTimeZero + d; }

// Per node: tickets handed out at post() time, and tickets in the order their tasks ran.
struct PostLog {
  std::map<NodeId, std::uint64_t> next_ticket;
  std::map<NodeId, std::vector<std::uint64_t>> ran;
  std::vector<std::string> errors;
};

// Posts a task on `ex` for `node` that records its ticket and then posts `nested` more.
void post_ticketed(PostLog& log, Executor& ex, NodeId node, int nested) {
  const std::uint64_t ticket = log.next_ticket[node]++;
  auto returned = std::make_shared<bool>(false);
  ex.post([&log, &ex, node, nested, ticket, returned] {
    if (!*returned) log.errors.push_back("post ran inline");
    log.ran[node].push_back(ticket);
    for (int i = 0; i < nested; ++i) post_ticketed(log, ex, node, nested - 1 - i);
  });
  *returned = true;
}

RC_GTEST_PROP(SimExecutor, PostsOfEachNodeRunInPostOrder,
              (std::uint64_t seed, std::vector<std::vector<std::uint8_t>> scripts)) {
  scripts.resize(std::clamp<std::size_t>(scripts.size(), 1, 5));  // 1 to 5 nodes
  World w(config_with_seed(seed));
  PostLog log;
  for (std::size_t n = 0; n < scripts.size(); ++n) {
    ScriptProgram::Hooks h;
    h.start = [&log, actions = scripts[n]](ScriptProgram& p) {
      Executor& ex = p.env().executor();
      const NodeId self = p.env().id();
      for (std::uint8_t a : actions) {
        const int nested = (a >> 2) % 3;
        if (a % 2 == 0) {
          post_ticketed(log, ex, self, nested);
        } else {  // a timer whose body posts: timers and posts interleave
          ex.after(std::chrono::microseconds(a % 7), [&log, &ex, self, nested] {
            post_ticketed(log, ex, self, nested);
          });
        }
      }
    };
    w.add_node(script(h));
  }
  w.run_until_idle(1'000'000);
  if (!log.errors.empty()) RC_FAIL(log.errors.front());
  for (const auto& [node, ran] : log.ran) {
    // Tickets were handed out in post() order; FIFO means they ran as 0, 1, 2, ...
    RC_ASSERT(ran.size() == log.next_ticket[node]);
    for (std::size_t i = 0; i < ran.size(); ++i) RC_ASSERT(ran[i] == i);
  }
}

TEST(SimExecutor, PostsOfDifferentNodesInterleaveBySeed) {
  std::set<std::vector<int>> orders;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    World w(config_with_seed(seed));
    std::vector<int> order;
    for (int n = 0; n < 2; ++n) {
      ScriptProgram::Hooks h;
      h.start = [&order, n](ScriptProgram& p) {
        for (int i = 0; i < 4; ++i) {
          p.env().executor().post([&order, n, i] { order.push_back(n * 10 + i); });
        }
      };
      w.add_node(script(h));
    }
    w.run_until_idle();
    ASSERT_EQ(order.size(), 8u);
    std::vector<int> per_node[2];
    for (int v : order) per_node[v / 10].push_back(v % 10);
    EXPECT_EQ(per_node[0], (std::vector<int>{0, 1, 2, 3}));  // FIFO within each node
    EXPECT_EQ(per_node[1], (std::vector<int>{0, 1, 2, 3}));
    orders.insert(order);
  }
  EXPECT_GE(orders.size(), 2u) << "posts of two nodes never interleaved differently";
}

RC_GTEST_PROP(SimExecutor, TimersFireExactlyAtTheirDeadline,
              (std::uint64_t seed, const std::vector<std::uint32_t>& delays_us)) {
  World w(config_with_seed(seed));
  std::vector<std::string> errors;
  std::size_t fired = 0;
  std::size_t armed = 0;
  std::size_t next = 0;
  std::function<void(ScriptProgram&)> arm = [&](ScriptProgram& p) {
    if (next >= delays_us.size()) return;
    const Duration d = std::chrono::microseconds(delays_us[next++] % 3'000'000);
    const Instant due = p.env().clock().now() + d;
    ++armed;
    p.env().executor().after(d, [&, due] {
      ++fired;
      if (w.now() != due) errors.push_back("timer fired off its deadline");
      if (p.env().clock().now() != due) errors.push_back("node clock disagrees with world");
      arm(p);  // timers armed from inside timers
      arm(p);
    });
  };
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram& p) { arm(p); };
  w.add_node(script(h));
  w.run_until_idle();
  if (!errors.empty()) RC_FAIL(errors.front());
  RC_ASSERT(fired == armed);
}

TEST(SimExecutor, ZeroDelayTimerRunsAtTheSameInstantButNotInline) {
  World w(config_with_seed(1));
  bool returned = false;
  bool ran_inline = false;
  bool ran = false;
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram& p) {
    p.env().executor().after(Duration::zero(), [&] {
      ran = true;
      ran_inline = !returned;
      EXPECT_EQ(to_ns(w.now()), 0);
    });
    returned = true;
  };
  w.add_node(script(h));
  w.run_until(kTimeZero);
  EXPECT_TRUE(ran);
  EXPECT_FALSE(ran_inline);
}

TEST(SimExecutor, CancelSemantics) {
  World w(config_with_seed(1));
  w.add_node(script());
  w.run_until(kTimeZero);
  Executor& ex = prog(w, 0).env().executor();
  std::vector<int> ran;
  const TimerId a = ex.after(10ms, [&] { ran.push_back(1); });
  const TimerId b = ex.after(20ms, [&] { ran.push_back(2); });
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(a, b);
  EXPECT_TRUE(ex.cancel(a));   // pending
  EXPECT_FALSE(ex.cancel(a));  // already cancelled
  EXPECT_FALSE(ex.cancel(TimerId{}));
  EXPECT_FALSE(ex.cancel(TimerId{0xDEAD'BEEF'0000'0001ull}));  // unknown
  w.run_until(at(30ms));
  EXPECT_EQ(ran, std::vector<int>{2});
  EXPECT_FALSE(ex.cancel(b));  // already fired
  // A new timer after all that is unaffected by the old ids.
  const TimerId c = ex.after(5ms, [&] { ran.push_back(3); });
  EXPECT_FALSE(ex.cancel(a));
  EXPECT_FALSE(ex.cancel(b));
  w.run_until(at(40ms));
  EXPECT_EQ(ran, (std::vector<int>{2, 3}));
  EXPECT_FALSE(ex.cancel(c));
}

TEST(SimExecutor, CancelFromInsideAnotherTimerAtTheSameInstant) {
  World w(config_with_seed(5));
  w.add_node(script());
  w.run_until(kTimeZero);
  Executor& ex = prog(w, 0).env().executor();
  std::vector<int> ran;
  TimerId first{};
  TimerId second{};
  // Both due at 10ms; whichever runs first cancels the other: exactly one runs.
  first = ex.after(10ms, [&] {
    ran.push_back(1);
    EXPECT_TRUE(ex.cancel(second));
  });
  second = ex.after(10ms, [&] {
    ran.push_back(2);
    EXPECT_TRUE(ex.cancel(first));
  });
  w.run_until(at(20ms));
  EXPECT_EQ(ran.size(), 1u);
}

TEST(SimExecutor, CrashDropsPendingPostsAndTimers) {
  World w(config_with_seed(3));
  int posts_run = 0;
  int timers_run = 0;
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram& p) {
    if (w.incarnation(0) > 0) return;  // only the first incarnation arms work
    for (int i = 0; i < 100; ++i) p.env().executor().post([&] { ++posts_run; });
    for (int i = 1; i <= 5; ++i) {
      p.env().executor().after(std::chrono::milliseconds(i), [&] { ++timers_run; });
    }
  };
  w.add_node(script(h));
  // Boot, then let exactly 10 posts run.
  while (posts_run < 10) ASSERT_TRUE(w.step());
  ASSERT_EQ(posts_run, 10);
  w.crash(0, CrashDurability::kKeepAll);
  EXPECT_FALSE(w.is_up(0));
  EXPECT_EQ(w.program(0), nullptr);
  w.run_until(at(10ms));
  w.restart(0);
  w.run_until(at(20ms));
  EXPECT_TRUE(w.is_up(0));
  EXPECT_EQ(posts_run, 10) << "a post of the crashed incarnation ran";
  EXPECT_EQ(timers_run, 0) << "a timer of the crashed incarnation fired";
}

TEST(SimExecutor, WorkQueuedWhileCrashingNeverRuns) {
  // A program whose destructor (wrongly) queues work. The crash must still drop it, and it
  // must not surface in the next incarnation (whose executor is a different object).
  // Declared before the world: its destructor runs the destroy hook, which reads them.
  int ran = 0;
  bool crashing = false;
  World w(config_with_seed(4));
  ScriptProgram::Hooks h;
  h.destroy = [&](ScriptProgram& p) {
    if (!crashing) return;
    p.env().executor().post([&] { ++ran; });
    p.env().executor().after(1ms, [&] { ++ran; });
    p.env().transport().connect(1);
  };
  w.add_node(script(h));
  w.add_node(script());
  w.run_until(at(1ms));
  crashing = true;
  w.crash(0);
  crashing = false;
  w.restart(0);
  w.run_until(at(10ms));
  ASSERT_TRUE(w.is_up(0));
  EXPECT_EQ(ran, 0);
}

TEST(SimExecutor, RestartBuildsAFreshProgramFromTheDisk) {
  World w(config_with_seed(8));
  std::vector<int> recovered;
  std::vector<const void*> programs;
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram& p) {
    programs.push_back(&p);
    Storage& disk = p.env().storage();
    auto stored = disk.get("boots");
    const int boots = stored ? std::stoi(std::string(as_chars(*stored))) : 0;
    recovered.push_back(boots);
    WriteBatch durable;
    durable.put("boots", std::to_string(boots + 1));
    ASSERT_TRUE(disk.write(durable, {.sync = true}).is_ok());
    WriteBatch scratch;  // unsynced: lost by a kLoseAll crash
    scratch.put("scratch", std::to_string(boots));
    ASSERT_TRUE(disk.write(scratch, {.sync = false}).is_ok());
  };
  w.add_node(script(h));
  w.run_until(at(1ms));
  for (int i = 0; i < 3; ++i) {
    w.crash(0, CrashDurability::kLoseAll);
    EXPECT_EQ(w.disk(0).contents().count(to_bytes("scratch")), 0u);
    w.run_until(w.now() + 1ms);
    EXPECT_FALSE(w.is_up(0));  // stays down until restarted
    w.restart(0);
    w.run_until(w.now() + 1ms);
    ASSERT_TRUE(w.is_up(0));
  }
  EXPECT_EQ(recovered, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(w.incarnation(0), 3u);
  EXPECT_EQ(programs.size(), 4u);
  EXPECT_EQ(w.program(0), programs.back());
}

TEST(SimExecutor, RestartWhileUpIsANoOpAndCrashWhileBootingCancelsTheBoot) {
  World w(config_with_seed(8));
  int starts = 0;
  ScriptProgram::Hooks h;
  h.start = [&](ScriptProgram&) { ++starts; };
  w.add_node(script(h));
  w.run_until(at(1ms));
  EXPECT_EQ(starts, 1);
  w.restart(0);
  w.run_until(at(2ms));
  EXPECT_EQ(starts, 1);
  w.crash(0);
  w.restart(0);  // boot scheduled at this instant...
  w.crash(0);    // ...and cancelled before it happens
  w.run_until(at(3ms));
  EXPECT_EQ(starts, 1);
  EXPECT_FALSE(w.is_up(0));
  w.restart(0);
  w.run_until(at(4ms));
  EXPECT_EQ(starts, 2);
  EXPECT_TRUE(w.is_up(0));
}

TEST(SimExecutor, StrandsAreFifoEachAndDropWorkWhenDestroyed) {
  World w(config_with_seed(6));
  w.add_node(script());
  w.run_until(kTimeZero);
  Executor& node = prog(w, 0).env().executor();
  std::unique_ptr<Executor> a = node.make_strand();
  std::unique_ptr<Executor> b = node.make_strand();
  std::vector<int> ran_a;
  std::vector<int> ran_b;
  for (int i = 0; i < 20; ++i) {
    a->post([&ran_a, i] { ran_a.push_back(i); });
    b->post([&ran_b, i] { ran_b.push_back(i); });
  }
  w.run_until(at(1ms));
  std::vector<int> expected(20);
  for (int i = 0; i < 20; ++i) expected[i] = i;
  EXPECT_EQ(ran_a, expected);
  EXPECT_EQ(ran_b, expected);

  int dropped = 0;
  b->post([&] { ++dropped; });
  b->after(1ms, [&] { ++dropped; });
  b.reset();
  w.run_until(at(5ms));
  EXPECT_EQ(dropped, 0) << "a destroyed strand's work ran";

  // A crash drops strand work too (the strand itself must not outlive the crash).
  a->after(1ms, [&] { ++dropped; });
  a->post([&] { ++dropped; });
  a.reset();  // owned by the program in real use; destroyed with it on crash
  w.crash(0);
  w.run_until(at(10ms));
  EXPECT_EQ(dropped, 0);
}

using SimExecutorDeathTest = ::testing::Test;

TEST_F(SimExecutorDeathTest, CrashFromInsideTheNodesOwnEventAsserts) {
  EXPECT_DEATH(
      {
        World w(config_with_seed(1));
        ScriptProgram::Hooks h;
        h.start = [&](ScriptProgram& p) {
          p.env().executor().post([&] { w.crash(0); });
        };
        w.add_node(script(h));
        w.run_until(at(1ms));
      },
      "World::crash from inside the node's own event");
}

}  // namespace
}  // namespace alys::sim
