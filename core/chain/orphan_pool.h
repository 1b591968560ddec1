// OrphanPool: blocks whose parent this node does not know yet, kept so that the parent's
// arrival imports them at once (sync would fetch them too, only later).
//
// Contract:
// - Bounded by a count AND by wire bytes (what the caller says an item is): a block is
//   kept without any signature check (its parent is needed to check it), so a stranger
//   can fill the pool; the byte bound makes that cost what the bound says, not
//   count × the codec's 4 MiB cap.
// - Full, it drops its oldest orphans to make room: junk sent once cannot hold the pool
//   forever (the old pool refused every orphan once 512 junk ones sat in it). An item
//   larger than the byte bound alone is refused.
// - drop_at_or_below(h) forgets every orphan at height <= h: once h is finalized, no block
//   there can join the canonical chain, so none will ever be worth importing.
// - take_children(parent) hands back the orphans waiting for `parent`, oldest first.
// - Deterministic: iteration is over ordered containers only; no hashing by address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "core/runtime/assert.h"
#include "core/types/hash256.h"

namespace alys::chain {

template <typename Item>
class OrphanPool {
 public:
  // REQUIRES: max_items > 0, max_bytes > 0.
  OrphanPool(std::size_t max_items, std::uint64_t max_bytes) : max_items_(max_items), max_bytes_(max_bytes) {
    ALYS_ASSERT(max_items_ > 0 && max_bytes_ > 0, "orphan pool: bounds must be positive");
  }

  std::size_t size() const { return count_; }
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t evicted() const { return evicted_; }  // dropped for room, ever

  // Keeps `item` (of `bytes` wire bytes, at `height`) until `parent` arrives, dropping the
  // oldest orphans first if it does not fit. False: larger than the byte bound; not kept.
  bool add(const Hash256& parent, std::uint64_t height, std::uint64_t bytes, Item item) {
    if (bytes > max_bytes_) return false;
    while (count_ >= max_items_ || bytes_ + bytes > max_bytes_) {
      ALYS_ASSERT(!order_.empty(), "orphan pool: over its bounds with nothing to drop");
      drop_oldest();
    }
    const std::uint64_t seq = next_seq_++;
    by_parent_[parent].push_back(Entry{seq, height, bytes, std::move(item)});
    order_.push_back(Slot{seq, parent});
    ++count_;
    bytes_ += bytes;
    return true;
  }

  std::vector<Item> take_children(const Hash256& parent) {
    std::vector<Item> out;
    auto it = by_parent_.find(parent);
    if (it == by_parent_.end()) return out;
    out.reserve(it->second.size());
    for (Entry& e : it->second) {
      forget(e);
      out.push_back(std::move(e.item));
    }
    by_parent_.erase(it);
    compact_order();
    return out;
  }

  // Returns how many were dropped.
  std::size_t drop_at_or_below(std::uint64_t height) {
    std::size_t dropped = 0;
    for (auto it = by_parent_.begin(); it != by_parent_.end();) {
      auto& entries = it->second;
      for (auto e = entries.begin(); e != entries.end();) {
        if (e->height <= height) {
          forget(*e);
          e = entries.erase(e);
          ++dropped;
        } else {
          ++e;
        }
      }
      it = entries.empty() ? by_parent_.erase(it) : std::next(it);
    }
    if (dropped != 0) compact_order();
    return dropped;
  }

 private:
  struct Entry {
    std::uint64_t seq;
    std::uint64_t height;
    std::uint64_t bytes;
    Item item;
  };
  // Arrival order, for dropping the oldest; a slot whose entry left is skipped.
  struct Slot {
    std::uint64_t seq;
    Hash256 parent;
  };

  void forget(const Entry& e) {
    --count_;
    bytes_ -= e.bytes;
  }

  void drop_oldest() {
    while (!order_.empty()) {
      const Slot s = order_.front();
      order_.pop_front();
      auto it = by_parent_.find(s.parent);
      if (it == by_parent_.end()) continue;
      auto& entries = it->second;
      for (auto e = entries.begin(); e != entries.end(); ++e) {
        if (e->seq != s.seq) continue;
        forget(*e);
        entries.erase(e);
        if (entries.empty()) by_parent_.erase(it);
        ++evicted_;
        return;
      }
    }
  }

  // Dead slots are skipped lazily; rebuilt once they outnumber the live ones.
  void compact_order() {
    if (order_.size() <= 2 * count_ + 64) return;
    std::deque<Slot> kept;
    for (const Slot& s : order_) {
      auto it = by_parent_.find(s.parent);
      if (it == by_parent_.end()) continue;
      for (const Entry& e : it->second) {
        if (e.seq == s.seq) {
          kept.push_back(s);
          break;
        }
      }
    }
    order_.swap(kept);
  }

  std::size_t max_items_;
  std::uint64_t max_bytes_;
  std::map<Hash256, std::vector<Entry>> by_parent_;
  std::deque<Slot> order_;
  std::size_t count_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace alys::chain
