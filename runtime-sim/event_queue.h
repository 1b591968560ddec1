// EventQueue: the simulator's single ordered queue of pending events.
//
// Order: (time, tie-break, sequence). The tie-break is supplied by the caller (the World
// draws it from the seed) so that events due at the same instant run in a seed-dependent
// order; the sequence number (assigned here, increasing) makes the order total.
//
// Storage: callbacks live in a slab of slots reused through a free list; the heaps hold
// 24-byte keys only, so sifting never moves a callback. Cancellation is lazy: a cancelled
// slot is freed at once (its generation bumped) and its stale heap key is skipped on pop.
// Ids encode (slot, generation), so a stale id never cancels a newer event.
// Two heaps, one order: most events are posts due at the current instant (the time of the
// last pop), and they go to a small heap of their own instead of the big one that holds
// every timer, frame in flight and lazily cancelled timeout; pop and next_time take the
// least key of the two tops, so the order is exactly that of one heap.
#pragma once

#include <cstdint>
#include <vector>

#include "core/runtime/assert.h"
#include "core/runtime/node_id.h"
#include "core/runtime/task.h"
#include "core/runtime/time.h"

namespace alys::sim {

enum class EventKind : std::uint8_t {
  kStart,     // a node's program starts
  kPost,      // a posted task of a node
  kTimer,     // a node's timer fired
  kConnect,   // a connection attempt
  kPeerUp,    // a connection came up at one end
  kPeerDown,  // a connection break noticed at one end
  kFrame,     // a frame delivered
  kFault,     // a fault applied by the world or chaos
  kCustom,    // anything else scheduled on the world (harness, tests)
};

// Identifies an event for the trace hash and for dropping a crashed node's work.
// An owner is anything whose pending events must vanish with it (an executor strand): the
// World keeps a generation per owner slot and drops events of a retired generation.
struct OwnerToken {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t index = kNone;
  std::uint32_t generation = 0;
};

struct EventTag {
  EventKind kind = EventKind::kCustom;
  NodeId node = kNoNode;          // the node whose incarnation must still be alive, if any
  std::uint32_t incarnation = 0;  // of `node` when scheduled
  std::uint64_t detail = 0;       // folded into the trace hash
  OwnerToken owner;               // must not be retired when the event runs, if set
};

class EventQueue {
 public:
  static constexpr int kTieBreakBits = 24;
  static constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << (64 - kTieBreakBits)) - 1;

  struct Popped {
    Instant at;
    EventTag tag;
    Task task;
  };

  // Schedules `task` at `at`. Returns a nonzero id for cancel().
  std::uint64_t push(Instant at, std::uint32_t tie_break, EventTag tag, Task task);
  // True if the event was pending; false if it already ran, was cancelled, or is unknown.
  bool cancel(std::uint64_t id);
  // Removes the next live event into `out`; false if none.
  bool pop(Popped& out);
  // Time of the next live event. REQUIRES: !empty().
  Instant next_time();

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }

 private:
  struct Key {
    std::int64_t time_ns;
    std::uint64_t order;  // tie_break << (64 - kTieBreakBits) | sequence
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Task task;
    EventTag tag;
    std::uint32_t generation = 1;
    bool live = false;
  };

  static bool before(const Key& a, const Key& b) {
    return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.order < b.order;
  }
  bool stale(const Key& k) const {
    const Slot& s = slots_[k.slot];
    return !s.live || s.generation != k.generation;
  }
  static void heap_push(std::vector<Key>& heap, Key k);
  static void heap_pop_top(std::vector<Key>& heap);
  void drop_stale_tops();
  // The heap whose top is the next event (drop_stale_tops first). REQUIRES: !empty().
  std::vector<Key>& next_heap();
  void compact();
  void release(std::uint32_t slot);

  std::vector<Key> heap_;  // 4-ary min-heap by before(): events due later than now_ns_
  std::vector<Key> now_;   // the same, for events pushed due at now_ns_
  std::int64_t now_ns_ = 0;  // time of the last pop
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace alys::sim
