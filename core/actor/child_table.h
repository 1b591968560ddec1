// ChildTable: a supervisor's children in start order, appended on the supervisor's strand
// and readable from any thread (the health snapshot). Slots never move: chunks of
// kChunkSlots are allocated on demand under a fixed directory, and the count is published
// with release ordering after a slot is written, so a reader that sees count n can read
// slots [0, n) without a lock. Limit: kMaxChildren children per supervisor.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "core/runtime/assert.h"

namespace alys::actor {

class CellBase;

class ChildTable {
 public:
  static constexpr std::uint32_t kChunkSlots = 256;
  static constexpr std::uint32_t kChunks = 256;
  static constexpr std::uint32_t kMaxChildren = kChunkSlots * kChunks;  // 65536

  // Supervisor strand only. Returns the new child's index.
  std::uint32_t append(std::shared_ptr<CellBase> cell) {
    const std::uint32_t i = count_.load(std::memory_order_relaxed);
    ALYS_ASSERT(i < kMaxChildren, "supervisor: too many children");
    auto& chunk = chunks_[i / kChunkSlots];
    if (!chunk) chunk = std::make_unique<Chunk>();
    (*chunk)[i % kChunkSlots] = std::move(cell);
    count_.store(i + 1, std::memory_order_release);
    return i;
  }

  // Any thread.
  std::uint32_t size() const { return count_.load(std::memory_order_acquire); }
  // REQUIRES: i < size() as read by this thread.
  const std::shared_ptr<CellBase>& at(std::uint32_t i) const {
    return (*chunks_[i / kChunkSlots])[i % kChunkSlots];
  }

 private:
  using Chunk = std::array<std::shared_ptr<CellBase>, kChunkSlots>;
  std::array<std::unique_ptr<Chunk>, kChunks> chunks_{};
  std::atomic<std::uint32_t> count_{0};
};

}  // namespace alys::actor
