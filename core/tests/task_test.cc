// core/runtime/task.h: the move-only void() callable with small-buffer storage.
//
// Where the callable lives is observed without hooking the allocator: the callable records
// its own address when invoked, and the test checks whether that address lies inside the
// Task object (inline) or outside it (boxed on the heap).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/runtime/task.h"

namespace alys {
namespace {

bool inside(const Task& task, const void* p) {
  const auto* begin = reinterpret_cast<const unsigned char*>(&task);
  const auto* q = static_cast<const unsigned char*>(p);
  return q >= begin && q < begin + sizeof(Task);
}

// A callable of a chosen size that reports where it lives when called.
template <std::size_t kPad>
struct Probe {
  const void** where;
  unsigned char pad[kPad] = {};
  void operator()() { *where = this; }
};

// Counts constructions, moves and destructions of the callable it is part of.
struct Counters {
  int calls = 0;
  int moves = 0;
  int destroyed = 0;
};
struct Tracked {
  explicit Tracked(Counters* c) : counters(c) {}
  Tracked(Tracked&& other) noexcept : counters(other.counters) {
    ++counters->moves;
    other.moved_from = true;
  }
  Tracked(const Tracked&) = delete;
  ~Tracked() {
    if (!moved_from) ++counters->destroyed;
  }
  void operator()() { ++counters->calls; }
  Counters* counters;
  bool moved_from = false;
};

// Same, but its move may throw, so Task must box it (moves of a Task are noexcept).
struct ThrowingMove {
  explicit ThrowingMove(const void** w) : where(w) {}
  ThrowingMove(ThrowingMove&& other) noexcept(false) : where(other.where) {}
  void operator()() { *where = this; }
  const void** where;
};

TEST(Task, DefaultAndNullAreEmpty) {
  Task a;
  Task b = nullptr;
  EXPECT_FALSE(a);
  EXPECT_FALSE(b);
}

TEST(Task, InvokesTheCallable) {
  int n = 0;
  Task t = [&n] { ++n; };
  ASSERT_TRUE(t);
  t();
  t();
  EXPECT_EQ(n, 2);
}

TEST(Task, MutableStatePersistsAcrossCalls) {
  std::vector<int> seen;
  Task t = [&seen, i = 0]() mutable { seen.push_back(i++); };
  t();
  t();
  t();
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(Task, AcceptsAPlainFunctionPointer) {
  static int hits = 0;
  hits = 0;
  void (*fn)() = [] { ++hits; };
  Task t = fn;
  t();
  EXPECT_EQ(hits, 1);
}

TEST(Task, SmallCallablesLiveInline) {
  const void* where = nullptr;
  Task t = Probe<Task::kInlineBytes - sizeof(void*)>{&where};
  t();
  EXPECT_TRUE(inside(t, where)) << "a callable of exactly kInlineBytes must not be boxed";
}

TEST(Task, LargeCallablesAreBoxed) {
  const void* where = nullptr;
  Task t = Probe<Task::kInlineBytes>{&where};  // kInlineBytes + a pointer
  t();
  EXPECT_FALSE(inside(t, where));
}

TEST(Task, CallablesWithAThrowingMoveAreBoxed) {
  const void* where = nullptr;
  Task t = ThrowingMove{&where};
  t();
  EXPECT_FALSE(inside(t, where));
}

TEST(Task, MoveOnlyCapturesWork) {
  auto p = std::make_unique<int>(41);
  int out = 0;
  Task t = [p = std::move(p), &out] { out = *p + 1; };
  Task u = std::move(t);
  EXPECT_FALSE(t);  // NOLINT(bugprone-use-after-move): moved-from is documented empty
  u();
  EXPECT_EQ(out, 42);
}

TEST(Task, MoveConstructionTransfersInlineCallable) {
  Counters c;
  {
    Task t = Tracked(&c);
    const int moves_before = c.moves;
    Task u = std::move(t);
    EXPECT_EQ(c.moves, moves_before + 1);  // inline: one move into the new buffer
    EXPECT_FALSE(t);                       // NOLINT(bugprone-use-after-move)
    u();
    EXPECT_EQ(c.calls, 1);
    EXPECT_EQ(c.destroyed, 0);
  }
  EXPECT_EQ(c.destroyed, 1);  // exactly one live callable, destroyed exactly once
}

TEST(Task, MoveConstructionOfABoxedCallableMovesThePointerOnly) {
  struct Big {
    Tracked tracked;
    unsigned char pad[Task::kInlineBytes] = {};
    void operator()() { tracked(); }
  };
  Counters c;
  {
    Task t = Big{Tracked(&c)};
    const int moves_before = c.moves;
    Task u = std::move(t);
    Task w;
    w = std::move(u);
    EXPECT_EQ(c.moves, moves_before);  // boxed: the callable itself never moves again
    w();
    EXPECT_EQ(c.calls, 1);
  }
  EXPECT_EQ(c.destroyed, 1);
}

TEST(Task, MoveAssignmentDestroysThePreviousCallable) {
  Counters first;
  Counters second;
  Task t = Tracked(&first);
  t = Task(Tracked(&second));
  EXPECT_EQ(first.destroyed, 1);
  EXPECT_EQ(second.destroyed, 0);
  t();
  EXPECT_EQ(second.calls, 1);
  EXPECT_EQ(first.calls, 0);
}

TEST(Task, SelfMoveAssignmentKeepsTheCallable) {
  Counters c;
  Task t = Tracked(&c);
  Task& alias = t;
  t = std::move(alias);
  ASSERT_TRUE(t);
  t();
  EXPECT_EQ(c.calls, 1);
  EXPECT_EQ(c.destroyed, 0);
}

TEST(Task, ResetDestroysAndEmpties) {
  Counters c;
  Task t = Tracked(&c);
  t.reset();
  EXPECT_FALSE(t);
  EXPECT_EQ(c.destroyed, 1);
  t.reset();  // idempotent
  EXPECT_EQ(c.destroyed, 1);
}

TEST(Task, ABoxedCallableIsDestroyedOnReset) {
  auto shared = std::make_shared<int>(0);
  std::weak_ptr<int> weak = shared;
  struct Big {
    std::shared_ptr<int> p;
    unsigned char pad[Task::kInlineBytes] = {};
    void operator()() { ++*p; }
  };
  Task t = Big{std::move(shared)};
  t();
  EXPECT_FALSE(weak.expired());
  t.reset();
  EXPECT_TRUE(weak.expired());
}

TEST(Task, ExceptionsFromTheCallablePropagate) {
  Task t = [] { throw std::runtime_error("boom"); };
  EXPECT_THROW(t(), std::runtime_error);
  EXPECT_TRUE(t);  // still callable
}

// Many tasks moved around in a container (what an executor does): each runs once, in order,
// and every capture is released.
RC_GTEST_PROP(Task, ContainerOfMixedTasksRunsEachOnce, (std::vector<bool> big)) {
  std::vector<int> order;
  auto token = std::make_shared<int>(0);
  std::weak_ptr<int> weak = token;
  struct Large {
    std::vector<int>* order;
    int index;
    std::shared_ptr<int> token;
    unsigned char pad[Task::kInlineBytes] = {};
    void operator()() { order->push_back(index); }
  };
  {
    std::vector<Task> tasks;
    for (std::size_t i = 0; i < big.size(); ++i) {
      const int index = static_cast<int>(i);
      if (big[i]) {
        tasks.emplace_back(Large{&order, index, token});
      } else {
        tasks.emplace_back([&order, index, t = token] {
          (void)t;
          order.push_back(index);
        });
      }
    }
    token.reset();
    std::vector<Task> moved;
    for (auto& t : tasks) moved.push_back(std::move(t));
    for (auto& t : moved) t();
  }
  RC_ASSERT(order.size() == big.size());
  for (std::size_t i = 0; i < order.size(); ++i) RC_ASSERT(order[i] == static_cast<int>(i));
  RC_ASSERT(weak.expired());
}

}  // namespace
}  // namespace alys
