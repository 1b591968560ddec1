#include "runtime-sim/event_queue.h"

#include <utility>

namespace alys::sim {
namespace {
constexpr std::size_t kArity = 4;
}

std::uint64_t EventQueue::push(Instant at, std::uint32_t tie_break, EventTag tag, Task task) {
  ALYS_ASSERT(task, "EventQueue::push: empty task");
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    ALYS_ASSERT(slots_.size() < UINT32_MAX, "EventQueue: slot space exhausted");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.task = std::move(task);
  s.tag = tag;
  s.live = true;
  const std::uint64_t tb = tie_break & ((std::uint32_t{1} << kTieBreakBits) - 1);
  const std::uint64_t seq = sequence_++;
  ALYS_ASSERT(seq <= kSequenceMask, "EventQueue: sequence space exhausted");
  const Key key{to_ns(at), (tb << (64 - kTieBreakBits)) | seq, slot, s.generation};
  heap_push(key.time_ns == now_ns_ ? now_ : heap_, key);
  ++live_;
  return (std::uint64_t{s.generation} << 32) | slot;
}

bool EventQueue::cancel(std::uint64_t id) {
  const auto slot = static_cast<std::uint32_t>(id & 0xFFFFFFFFu);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (slot >= slots_.size()) return false;
  Slot& s = slots_[slot];
  if (!s.live || s.generation != generation) return false;
  s.task.reset();
  release(slot);
  --live_;
  // Cancelled keys stay in the heap until popped; rebuild when they dominate so a
  // cancel-heavy workload (ask timeouts) cannot grow the heap without bound.
  const std::size_t keys = heap_.size() + now_.size();
  if (keys > 1024 && keys > 4 * live_) compact();
  return true;
}

void EventQueue::compact() {
  for (std::vector<Key>* heap : {&heap_, &now_}) {
    std::vector<Key> keys;
    keys.reserve(heap->size());
    for (const Key& k : *heap) {
      if (!stale(k)) keys.push_back(k);
    }
    heap->clear();
    for (const Key& k : keys) heap_push(*heap, k);
  }
}

void EventQueue::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  s.live = false;
  ++s.generation;
  if (s.generation == 0) s.generation = 1;  // 0 never names a live event
  free_.push_back(slot);
}

void EventQueue::drop_stale_tops() {
  while (!heap_.empty() && stale(heap_.front())) heap_pop_top(heap_);
  while (!now_.empty() && stale(now_.front())) heap_pop_top(now_);
}

std::vector<EventQueue::Key>& EventQueue::next_heap() {
  if (now_.empty()) return heap_;
  if (heap_.empty()) return now_;
  return before(now_.front(), heap_.front()) ? now_ : heap_;
}

Instant EventQueue::next_time() {
  drop_stale_tops();
  ALYS_ASSERT(!heap_.empty() || !now_.empty(), "EventQueue::next_time on an empty queue");
  return Instant{Duration{next_heap().front().time_ns}};
}

bool EventQueue::pop(Popped& out) {
  drop_stale_tops();
  if (heap_.empty() && now_.empty()) return false;
  std::vector<Key>& heap = next_heap();
  const Key top = heap.front();
  heap_pop_top(heap);
  now_ns_ = top.time_ns;
  Slot& s = slots_[top.slot];
  out.at = Instant{Duration{top.time_ns}};
  out.tag = s.tag;
  out.task = std::move(s.task);
  release(top.slot);
  --live_;
  return true;
}

void EventQueue::heap_push(std::vector<Key>& h, Key k) {
  std::size_t i = h.size();
  h.push_back(k);
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(k, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = k;
}

void EventQueue::heap_pop_top(std::vector<Key>& h) {
  const Key last = h.back();
  h.pop_back();
  const std::size_t n = h.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (before(h[c], h[best])) best = c;
    }
    if (!before(h[best], last)) break;
    h[i] = h[best];
    i = best;
  }
  h[i] = last;
}

}  // namespace alys::sim
