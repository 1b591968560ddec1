// EventQueue: order (time, tie-break, sequence), lazy cancellation, stale ids, compaction.
// The property runs random push / cancel / pop sequences against a reference model (a plain
// vector scanned for its minimum), including bulk cancels that trigger heap compaction.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <ostream>
#include <tuple>
#include <vector>

#include "core/runtime/random.h"
#include "runtime-sim/event_queue.h"

namespace alys::sim {
namespace {

Instant at_ns(std::int64_t ns) { return Instant{Duration{ns}}; }

// Pushes an event whose task appends `label` to `out`.
std::uint64_t push_label(EventQueue& q, std::int64_t time_ns, std::uint32_t tie, int label,
                         std::vector<int>& out) {
  return q.push(at_ns(time_ns), tie, EventTag{EventKind::kCustom, kNoNode, 0,
                                              static_cast<std::uint64_t>(label), {}},
                [&out, label] { out.push_back(label); });
}

TEST(EventQueue, EmptyQueuePopsNothing) {
  EventQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EventQueue::Popped ev;
  EXPECT_FALSE(q.pop(ev));
}

TEST(EventQueue, OrdersByTimeThenTieBreakThenSequence) {
  EventQueue q;
  std::vector<int> ran;
  push_label(q, 20, 0, 1, ran);
  push_label(q, 10, 9, 2, ran);
  push_label(q, 10, 3, 3, ran);
  push_label(q, 10, 3, 4, ran);  // same time and tie-break as 3: after it (sequence)
  push_label(q, 5, 0xFFFFFF, 5, ran);
  push_label(q, 10, 0, 6, ran);
  EXPECT_EQ(q.size(), 6u);
  EventQueue::Popped ev;
  std::vector<std::int64_t> times;
  while (q.pop(ev)) {
    times.push_back(to_ns(ev.at));
    ev.task();
  }
  EXPECT_EQ(ran, (std::vector<int>{5, 6, 3, 4, 2, 1}));
  EXPECT_EQ(times, (std::vector<std::int64_t>{5, 10, 10, 10, 10, 20}));
}

TEST(EventQueue, PopHandsOverTagAndTask) {
  EventQueue q;
  std::vector<int> ran;
  q.push(at_ns(7), 1, EventTag{EventKind::kFrame, 3, 2, 99, {}}, [&ran] { ran.push_back(1); });
  EventQueue::Popped ev;
  ASSERT_TRUE(q.pop(ev));
  EXPECT_EQ(to_ns(ev.at), 7);
  EXPECT_EQ(ev.tag.kind, EventKind::kFrame);
  EXPECT_EQ(ev.tag.node, 3u);
  EXPECT_EQ(ev.tag.incarnation, 2u);
  EXPECT_EQ(ev.tag.detail, 99u);
  ASSERT_TRUE(ev.task);
  ev.task();
  EXPECT_EQ(ran, std::vector<int>{1});
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, CancelPreventsTheEventOnce) {
  EventQueue q;
  std::vector<int> ran;
  const auto a = push_label(q, 1, 0, 1, ran);
  push_label(q, 2, 0, 2, ran);
  EXPECT_NE(a, 0u);
  EXPECT_TRUE(q.cancel(a));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_FALSE(q.cancel(a));  // already cancelled
  EXPECT_EQ(to_ns(q.next_time()), 2);  // skips the cancelled key
  EventQueue::Popped ev;
  while (q.pop(ev)) ev.task();
  EXPECT_EQ(ran, std::vector<int>{2});
}

TEST(EventQueue, CancellingARunEventReturnsFalse) {
  EventQueue q;
  std::vector<int> ran;
  const auto a = push_label(q, 1, 0, 1, ran);
  EventQueue::Popped ev;
  ASSERT_TRUE(q.pop(ev));
  EXPECT_FALSE(q.cancel(a));
}

TEST(EventQueue, UnknownIdsCancelNothing) {
  EventQueue q;
  std::vector<int> ran;
  const auto a = push_label(q, 1, 0, 1, ran);
  EXPECT_FALSE(q.cancel(0));
  EXPECT_FALSE(q.cancel(a + 1));                 // a slot that does not exist
  EXPECT_FALSE(q.cancel(a ^ (std::uint64_t{7} << 32)));  // right slot, wrong generation
  EXPECT_EQ(q.size(), 1u);
}

TEST(EventQueue, StaleIdAfterPopDoesNotCancelTheSlotsNextEvent) {
  EventQueue q;
  std::vector<int> ran;
  const auto a = push_label(q, 1, 0, 1, ran);
  EventQueue::Popped ev;
  ASSERT_TRUE(q.pop(ev));
  const auto b = push_label(q, 2, 0, 2, ran);  // reuses a's slot
  EXPECT_EQ(a & 0xFFFFFFFFu, b & 0xFFFFFFFFu) << "test expects slot reuse";
  EXPECT_NE(a, b);
  EXPECT_FALSE(q.cancel(a));
  ASSERT_TRUE(q.pop(ev));
  ev.task();
  EXPECT_EQ(ran, std::vector<int>{2});
}

TEST(EventQueue, StaleIdAfterCancelDoesNotCancelTheSlotsNextEvent) {
  EventQueue q;
  std::vector<int> ran;
  const auto a = push_label(q, 5, 0, 1, ran);
  ASSERT_TRUE(q.cancel(a));
  const auto b = push_label(q, 5, 0, 2, ran);  // same slot, while a's key is still in the heap
  EXPECT_EQ(a & 0xFFFFFFFFu, b & 0xFFFFFFFFu) << "test expects slot reuse";
  EXPECT_FALSE(q.cancel(a));
  EXPECT_EQ(q.size(), 1u);
  EventQueue::Popped ev;
  ASSERT_TRUE(q.pop(ev));
  ev.task();
  EXPECT_FALSE(q.pop(ev));  // the stale key of `a` must not pop b's slot a second time
  EXPECT_EQ(ran, std::vector<int>{2});
}

TEST(EventQueue, CompactionKeepsOrderAndIds) {
  EventQueue q;
  std::vector<int> ran;
  Xoshiro256ss rng(77);
  struct Entry {
    std::int64_t time;
    std::uint32_t tie;
    int label;
    std::uint64_t id;
  };
  std::vector<Entry> entries;
  for (int i = 0; i < 5000; ++i) {
    const auto t = static_cast<std::int64_t>(uniform_below(rng, 50));
    const auto tie = static_cast<std::uint32_t>(uniform_below(rng, 4));
    entries.push_back({t, tie, i, push_label(q, t, tie, i, ran)});
  }
  // Cancel all but every 40th: the heap then holds far more stale keys than live ones,
  // which triggers compaction (several times, as the ratio keeps crossing 4:1).
  std::vector<Entry> survivors;
  for (const auto& e : entries) {
    if (e.label % 40 == 0) {
      survivors.push_back(e);
    } else {
      ASSERT_TRUE(q.cancel(e.id));
    }
  }
  ASSERT_EQ(q.size(), survivors.size());
  // Ids of survivors still work after compaction: cancel one, then re-add events.
  ASSERT_TRUE(q.cancel(survivors[3].id));
  survivors.erase(survivors.begin() + 3);
  for (int i = 5000; i < 5020; ++i) {
    const auto t = static_cast<std::int64_t>(uniform_below(rng, 50));
    survivors.push_back({t, 1, i, push_label(q, t, 1, i, ran)});
  }
  std::stable_sort(survivors.begin(), survivors.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.time, a.tie) < std::tie(b.time, b.tie);  // stable: sequence order
  });
  EventQueue::Popped ev;
  while (q.pop(ev)) ev.task();
  std::vector<int> expected;
  for (const auto& e : survivors) expected.push_back(e.label);
  EXPECT_EQ(ran, expected);
}

// --- property against a reference model ------------------------------------------------

struct Op {
  int kind = 0;       // 0 push, 1 pop, 2 cancel one, 3 push many, 4 cancel many, 5 next_time
  std::uint32_t a = 0;
  std::uint32_t b = 0;
};

std::ostream& operator<<(std::ostream& os, const Op& op) {
  return os << "{" << op.kind << "," << op.a << "," << op.b << "}";
}

// Reference model: the live events keyed by (time, tie-break, sequence), and by id.
using ModelKey = std::tuple<std::int64_t, std::uint32_t, std::uint64_t>;
struct Model {
  std::map<ModelKey, std::pair<std::uint64_t, int>> by_order;  // -> (id, label)
  std::map<std::uint64_t, ModelKey> by_id;
};

}  // namespace
}  // namespace alys::sim

namespace rc {
template <>
struct Arbitrary<alys::sim::Op> {
  static Gen<alys::sim::Op> arbitrary() {
    return gen::construct<alys::sim::Op>(gen::weightedElement<int>({{6, 0}, {3, 1}, {2, 2},
                                                                     {1, 3}, {1, 4}, {1, 5}}),
                                         gen::arbitrary<std::uint32_t>(),
                                         gen::arbitrary<std::uint32_t>());
  }
};
}  // namespace rc

namespace alys::sim {
namespace {

RC_GTEST_PROP(EventQueue, MatchesReferenceModel, (const std::vector<Op>& ops)) {
  EventQueue q;
  Model model;
  std::vector<std::uint64_t> ids;  // every id ever returned (live, run or cancelled)
  std::vector<int> ran;
  std::uint64_t seq = 0;
  int next_label = 0;

  auto push = [&](std::uint32_t a, std::uint32_t b) {
    // Few distinct times and tie-breaks, so equal keys are common.
    const auto time = static_cast<std::int64_t>(a % 16);
    const std::uint32_t tie = (b % 3 == 0) ? (b >> 8) & 0xFFFFFF : b % 3;
    const int label = next_label++;
    const auto id = q.push(at_ns(time), tie, EventTag{EventKind::kCustom, kNoNode, 0, 0, {}},
                           [&ran, label] { ran.push_back(label); });
    RC_ASSERT(id != 0u);
    RC_ASSERT(model.by_id.count(id) == 0u);  // a live id is never handed out twice
    const ModelKey key{time, tie, seq++};
    model.by_order.emplace(key, std::make_pair(id, label));
    model.by_id.emplace(id, key);
    ids.push_back(id);
  };
  auto cancel = [&](std::uint64_t id) {
    auto it = model.by_id.find(id);
    const bool expected = it != model.by_id.end();
    if (expected) {
      model.by_order.erase(it->second);
      model.by_id.erase(it);
    }
    RC_ASSERT(q.cancel(id) == expected);
  };
  auto pop = [&] {
    EventQueue::Popped ev;
    const bool got = q.pop(ev);
    RC_ASSERT(got == !model.by_order.empty());
    if (!got) return;
    auto first = model.by_order.begin();
    ran.clear();
    ev.task();
    RC_ASSERT(ran.size() == 1u);
    RC_ASSERT(ran[0] == first->second.second);
    RC_ASSERT(to_ns(ev.at) == std::get<0>(first->first));
    model.by_id.erase(first->second.first);
    model.by_order.erase(first);
  };

  for (const Op& op : ops) {
    switch (op.kind) {
      case 0: push(op.a, op.b); break;
      case 1: pop(); break;
      case 2:
        if (!ids.empty()) cancel(ids[op.a % ids.size()]);
        break;
      case 3: {
        Xoshiro256ss g(op.a);
        const auto n = 200 + op.b % 800;
        for (std::uint32_t i = 0; i < n; ++i) {
          push(static_cast<std::uint32_t>(g.next()), static_cast<std::uint32_t>(g.next()));
        }
        break;
      }
      case 4: {
        // Cancel all but one in `keep` of the live events (drives compaction).
        const std::uint32_t keep = 2 + op.a % 10;
        std::vector<std::uint64_t> victims;
        std::size_t i = 0;
        for (const auto& [key, value] : model.by_order) {
          if (i++ % keep != 0) victims.push_back(value.first);
        }
        for (auto id : victims) cancel(id);
        break;
      }
      case 5:
        if (!model.by_order.empty()) {
          RC_ASSERT(to_ns(q.next_time()) == std::get<0>(model.by_order.begin()->first));
        }
        break;
      default: break;
    }
    RC_ASSERT(q.size() == model.by_order.size());
    RC_ASSERT(q.empty() == model.by_order.empty());
  }
  while (!model.by_order.empty()) pop();
  EventQueue::Popped ev;
  RC_ASSERT(!q.pop(ev));
}

}  // namespace
}  // namespace alys::sim
