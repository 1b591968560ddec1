// RingQueue: a FIFO of movable values on one growable power-of-two ring.
//
// Why not std::deque: libstdc++'s deque allocates ~576 bytes when default-constructed, and a
// mailbox has four of them; an idle actor must cost well under 1 KiB. A RingQueue holds no
// memory until the first push, starts with one slot and doubles when full; when it empties
// holding more than kKeepSlotsMax slots it frees them, so a burst does not pin memory.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include "core/runtime/assert.h"

namespace alys::actor {

template <typename T>
class RingQueue {
 public:
  static constexpr std::size_t kKeepSlotsMax = 1024;

  RingQueue() = default;
  RingQueue(RingQueue&& other) noexcept { swap(other); }
  RingQueue& operator=(RingQueue&& other) noexcept {
    RingQueue(std::move(other)).swap(*this);
    return *this;
  }
  ~RingQueue() { clear(); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push_back(T value) {
    if (size_ == cap_) grow();
    ::new (static_cast<void*>(slot(head_ + size_))) T(std::move(value));
    ++size_;
  }
  void push_front(T value) {
    if (size_ == cap_) grow();
    head_ = (head_ + cap_ - 1) & (cap_ - 1);
    ::new (static_cast<void*>(slot(head_))) T(std::move(value));
    ++size_;
  }
  // REQUIRES: !empty().
  T& front() {
    ALYS_ASSERT(size_ > 0, "RingQueue::front on empty queue");
    return *slot(head_);
  }
  // REQUIRES: !empty().
  T pop_front() {
    ALYS_ASSERT(size_ > 0, "RingQueue::pop_front on empty queue");
    T* p = slot(head_);
    T out(std::move(*p));
    p->~T();
    head_ = (head_ + 1) & (cap_ - 1);
    --size_;
    if (size_ == 0 && cap_ > kKeepSlotsMax) {
      buf_.reset();
      cap_ = 0;
      head_ = 0;
    }
    return out;
  }
  void clear() {
    while (size_ > 0) pop_front();
    buf_.reset();
    cap_ = 0;
    head_ = 0;
  }
  void swap(RingQueue& other) noexcept {
    std::swap(buf_, other.buf_);
    std::swap(cap_, other.cap_);
    std::swap(head_, other.head_);
    std::swap(size_, other.size_);
  }

 private:
  struct alignas(T) Cell {
    unsigned char bytes[sizeof(T)];
  };
  T* slot(std::size_t i) { return std::launder(reinterpret_cast<T*>(buf_[i & (cap_ - 1)].bytes)); }
  void grow() {
    const std::size_t new_cap = cap_ == 0 ? 1 : cap_ * 2;  // idle actors keep little
    auto fresh = std::make_unique<Cell[]>(new_cap);
    for (std::size_t i = 0; i < size_; ++i) {
      T* p = slot(head_ + i);
      ::new (static_cast<void*>(fresh[i].bytes)) T(std::move(*p));
      p->~T();
    }
    buf_ = std::move(fresh);
    cap_ = new_cap;
    head_ = 0;
  }

  std::unique_ptr<Cell[]> buf_;
  std::size_t cap_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace alys::actor
