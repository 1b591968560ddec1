// OrphanPool: bounded by count and by bytes, the oldest dropped first for room, children
// handed back oldest first, everything at or below a height forgotten; checked against a
// plain list model.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <list>
#include <vector>

#include "core/chain/orphan_pool.h"

namespace alys::chain {
namespace {

Hash256 parent_of(std::uint64_t p) {
  Hash256 h{};
  h.data()[0] = static_cast<std::uint8_t>(p + 1);
  return h;
}

TEST(OrphanPool, ChildrenComeBackOldestFirstAndLeave) {
  OrphanPool<int> pool(10, 1000);
  ASSERT_TRUE(pool.add(parent_of(1), 5, 10, 1));
  ASSERT_TRUE(pool.add(parent_of(2), 5, 10, 2));
  ASSERT_TRUE(pool.add(parent_of(1), 5, 10, 3));
  EXPECT_EQ(pool.take_children(parent_of(1)), (std::vector<int>{1, 3}));
  EXPECT_TRUE(pool.take_children(parent_of(1)).empty());
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), 10u);
}

TEST(OrphanPool, AFullPoolDropsItsOldestByCountOrByBytes) {
  OrphanPool<int> by_count(2, 1000);
  ASSERT_TRUE(by_count.add(parent_of(1), 5, 1, 1));
  ASSERT_TRUE(by_count.add(parent_of(2), 5, 1, 2));
  ASSERT_TRUE(by_count.add(parent_of(3), 5, 1, 3));  // drops 1
  EXPECT_TRUE(by_count.take_children(parent_of(1)).empty());
  EXPECT_EQ(by_count.evicted(), 1u);
  EXPECT_EQ(by_count.size(), 2u);

  OrphanPool<int> by_bytes(100, 100);
  ASSERT_TRUE(by_bytes.add(parent_of(1), 5, 40, 1));
  ASSERT_TRUE(by_bytes.add(parent_of(2), 5, 40, 2));
  ASSERT_TRUE(by_bytes.add(parent_of(3), 5, 70, 3));  // 150 > 100: drops 1 and 2
  EXPECT_EQ(by_bytes.size(), 1u);
  EXPECT_EQ(by_bytes.bytes(), 70u);
  EXPECT_EQ(by_bytes.evicted(), 2u);
  EXPECT_EQ(by_bytes.take_children(parent_of(3)), (std::vector<int>{3}));
  // One larger than the whole bound is refused, and drops nothing.
  ASSERT_TRUE(by_bytes.add(parent_of(4), 5, 60, 4));
  EXPECT_FALSE(by_bytes.add(parent_of(5), 5, 101, 5));
  EXPECT_EQ(by_bytes.size(), 1u);
}

TEST(OrphanPool, FinalityForgetsEverythingAtOrBelowIt) {
  OrphanPool<int> pool(10, 1000);
  ASSERT_TRUE(pool.add(parent_of(1), 4, 10, 1));
  ASSERT_TRUE(pool.add(parent_of(1), 9, 10, 2));
  ASSERT_TRUE(pool.add(parent_of(2), 5, 10, 3));
  EXPECT_EQ(pool.drop_at_or_below(5), 2u);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), 10u);
  EXPECT_TRUE(pool.take_children(parent_of(2)).empty());
  EXPECT_EQ(pool.take_children(parent_of(1)), (std::vector<int>{2}));
  EXPECT_EQ(pool.evicted(), 0u) << "finality's drops are not evictions";
}

// Any sequence of operations leaves the pool as a list model says: the same members in
// the same order, within both bounds.
RC_GTEST_PROP(OrphanPool, MatchesAListModel, ()) {
  const std::size_t max_items = *rc::gen::inRange<std::size_t>(1, 10);
  const std::uint64_t max_bytes = *rc::gen::inRange<std::uint64_t>(1, 200);
  OrphanPool<int> pool(max_items, max_bytes);
  struct Item {
    std::uint64_t parent, height, bytes;
    int id;
  };
  std::list<Item> model;
  std::uint64_t model_bytes = 0;
  int next_id = 0;
  const int steps = *rc::gen::inRange(1, 150);
  for (int step = 0; step < steps; ++step) {
    const std::uint64_t parent = *rc::gen::inRange<std::uint64_t>(0, 6);
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {
        const std::uint64_t height = *rc::gen::inRange<std::uint64_t>(0, 20);
        const std::uint64_t bytes = *rc::gen::inRange<std::uint64_t>(1, 80);
        const int id = next_id++;
        const bool kept = pool.add(parent_of(parent), height, bytes, id);
        RC_ASSERT(kept == (bytes <= max_bytes));
        if (!kept) break;
        while (model.size() >= max_items || model_bytes + bytes > max_bytes) {
          model_bytes -= model.front().bytes;
          model.pop_front();
        }
        model.push_back(Item{parent, height, bytes, id});
        model_bytes += bytes;
        break;
      }
      case 1: {
        std::vector<int> want;
        for (auto it = model.begin(); it != model.end();) {
          if (it->parent == parent) {
            want.push_back(it->id);
            model_bytes -= it->bytes;
            it = model.erase(it);
          } else {
            ++it;
          }
        }
        RC_ASSERT(pool.take_children(parent_of(parent)) == want);
        break;
      }
      default: {
        const std::uint64_t height = *rc::gen::inRange<std::uint64_t>(0, 20);
        std::size_t dropped = 0;
        for (auto it = model.begin(); it != model.end();) {
          if (it->height <= height) {
            model_bytes -= it->bytes;
            it = model.erase(it);
            ++dropped;
          } else {
            ++it;
          }
        }
        RC_ASSERT(pool.drop_at_or_below(height) == dropped);
      }
    }
    RC_ASSERT(pool.size() == model.size());
    RC_ASSERT(pool.bytes() == model_bytes);
    RC_ASSERT(pool.size() <= max_items);
    RC_ASSERT(pool.bytes() <= max_bytes);
  }
  // Draining by parent gives each parent's children in arrival order.
  for (std::uint64_t parent = 0; parent < 6; ++parent) {
    std::vector<int> want;
    for (const Item& i : model) {
      if (i.parent == parent) want.push_back(i.id);
    }
    RC_ASSERT(pool.take_children(parent_of(parent)) == want);
  }
  RC_ASSERT(pool.size() == 0u);
}

}  // namespace
}  // namespace alys::chain
