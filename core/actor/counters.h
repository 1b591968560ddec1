// Per-actor counters (DESIGN.md §3: enqueued, dropped by reason, max depth, handling time).
//
// Readable from any thread at any time (the health snapshot, /metrics): each is a relaxed
// atomic. The strand-owned ones have a single writer, so bump() is a plain load+store, not a
// locked read-modify-write; add_shared() is for the few written from senders' threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "core/actor/dead_letter.h"

namespace alys::actor {

class Counter {
 public:
  // Single writer only.
  void bump(std::uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void raise_to(std::uint64_t n) {
    if (n > v_.load(std::memory_order_relaxed)) v_.store(n, std::memory_order_relaxed);
  }
  // Any number of writers.
  void add_shared(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

// A copy of an actor's counters at one moment.
struct ActorStats {
  std::uint64_t enqueued = 0;  // messages that entered the mailbox
  std::uint64_t handled = 0;   // handler returned ok
  std::uint64_t failed = 0;    // handler threw or returned an error (crashes)
  std::uint64_t restarts = 0;
  std::uint64_t max_depth = 0;  // largest mailbox size seen
  std::uint64_t handling_ns_total = 0;
  std::uint64_t handling_ns_max = 0;
  ReasonCounts dropped{};  // dead letters caused at this actor, by reason
  std::uint64_t dropped_total() const {
    std::uint64_t n = 0;
    for (auto d : dropped) n += d;
    return n;
  }
};

struct ActorCounters {
  Counter enqueued, handled, failed, restarts, max_depth, handling_ns_total, handling_ns_max;
  std::array<Counter, kDeadLetterReasonCount> dropped;

  ActorStats snapshot() const {
    ActorStats s;
    s.enqueued = enqueued.get();
    s.handled = handled.get();
    s.failed = failed.get();
    s.restarts = restarts.get();
    s.max_depth = max_depth.get();
    s.handling_ns_total = handling_ns_total.get();
    s.handling_ns_max = handling_ns_max.get();
    for (std::size_t i = 0; i < kDeadLetterReasonCount; ++i) s.dropped[i] = dropped[i].get();
    return s;
  }
};

}  // namespace alys::actor
