// Mailbox: an actor's queue of envelopes (DESIGN.md §3).
//
// Four priority classes; pop() takes the oldest message of the highest non-empty class, so
// order is FIFO within a priority. The mailbox itself is a plain single-threaded structure:
// only its actor's strand touches it. Bounds and overflow strategies are applied by the
// actor cell (admission happens at send time, see core/actor/cell.h); the mailbox offers
// evict_oldest() for DropOldest.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/actor/envelope.h"
#include "core/actor/ring_queue.h"
#include "core/runtime/time.h"

namespace alys::actor {

// What a bounded mailbox does with a send that finds it full (a send counts from the moment
// it is made until its message leaves the mailbox for the handler).
enum class Overflow : std::uint8_t {
  kDropOldest,  // evict the oldest message of the lowest queued priority (dead letter),
                // or the new one if it is lower than everything queued
  kDropNewest,  // the new message goes to dead letters; tell() still returns ok
  kBlock,       // the message waits beside the full mailbox and the sending actor is
                // suspended (handles nothing more) until it is admitted; a send that would
                // close a cycle of blocked actors fails instead (kDeadlock, error returned).
                // Outside any actor there is no one to suspend: behaves as kFail
  kFail,        // refused: tell() returns kUnavailable and the message goes to dead letters
  kBackoff,     // re-try delivery after initial, 2x, 4x... up to max_retries, then dead letter
};
std::string_view overflow_name(Overflow o);

// Limits of one actor's mailbox. Every field is a named limit (TigerStyle).
struct MailboxConfig {
  static constexpr std::uint32_t kCapacityDefault = 4096;
  std::uint32_t capacity = kCapacityDefault;  // > 0
  Overflow overflow = Overflow::kFail;
  Duration retry_initial = 1ms;   // kBackoff only
  std::uint32_t retry_max = 5;    // kBackoff only
  std::uint32_t throughput = 64;  // messages handled per turn before yielding the thread
  std::uint32_t batch_max = 1;    // > 1: Actor::receive_batch gets up to this many at once
};

template <typename M>
class Mailbox {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t size(Priority p) const { return queues_[index(p)].size(); }

  void push(Envelope<M> env) {
    queues_[index(env.meta.priority)].push_back(std::move(env));
    ++size_;
  }

  // REQUIRES: !empty().
  Envelope<M> pop() {
    for (auto& q : queues_) {
      if (!q.empty()) {
        --size_;
        return q.pop_front();
      }
    }
    ALYS_ASSERT(false, "Mailbox::pop on an empty mailbox");
    __builtin_unreachable();
  }

  // Puts a message back at the head of its priority class (an unhandled batch tail).
  void push_front(Envelope<M> env) {
    queues_[index(env.meta.priority)].push_front(std::move(env));
    ++size_;
  }

  // The lowest non-empty priority class. REQUIRES: !empty().
  Priority lowest_queued() const {
    for (std::size_t i = kPriorityCount; i-- > 0;) {
      if (!queues_[i].empty()) return static_cast<Priority>(i);
    }
    ALYS_ASSERT(false, "Mailbox::lowest_queued on an empty mailbox");
    __builtin_unreachable();
  }

  // Removes the oldest message of the lowest non-empty priority. REQUIRES: !empty().
  Envelope<M> evict_oldest() {
    --size_;
    return queues_[index(lowest_queued())].pop_front();
  }

  // Frees the buffers (used when the actor stops).
  void release() {
    for (auto& q : queues_) q.clear();
    size_ = 0;
  }

 private:
  static std::size_t index(Priority p) { return static_cast<std::size_t>(p); }
  std::array<RingQueue<Envelope<M>>, kPriorityCount> queues_;
  std::size_t size_ = 0;
};

}  // namespace alys::actor
