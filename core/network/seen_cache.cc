#include "core/network/seen_cache.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>

#include "core/crypto/sha256.h"
#include "core/runtime/assert.h"

namespace alys::net {

Hash256 gossip_id(ByteView frame) { return sha256(frame); }

Hash256 gossip_id(const SharedFrame& frame) {
  return frame->digest([](ByteView bytes) { return gossip_id(bytes); });
}

SeenCache::SeenCache(std::size_t max_entries, std::uint64_t salt, std::size_t initial_entries)
    : salt_(salt), max_entries_(max_entries) {
  ALYS_ASSERT(max_entries > 0 && max_entries <= (std::size_t{1} << 30),
              "SeenCache: max_entries must be in 1..2^30");
  ALYS_ASSERT(initial_entries > 0, "SeenCache: initial_entries must be > 0");
  ring_.resize(std::min(initial_entries, max_entries));
  index_.assign(std::bit_ceil(2 * ring_.size()), Entry{});
  mask_ = index_.size() - 1;
}

void SeenCache::place(std::size_t ring_position, std::uint32_t hash) {
  std::size_t i = hash & mask_;
  while (index_[i].slot != kEmpty) i = (i + 1) & mask_;
  index_[i] = Entry{static_cast<std::uint32_t>(ring_position + 1), hash};
}

void SeenCache::grow() {
  // Nothing was evicted yet, so ring positions 0..size_-1 hold the ids in insertion order
  // and head_ has wrapped to 0: the next id goes at size_.
  const std::size_t held = size_;
  ring_.resize(std::min(2 * ring_.size(), max_entries_));
  index_.assign(std::bit_ceil(2 * ring_.size()), Entry{});
  mask_ = index_.size() - 1;
  for (std::size_t p = 0; p < held; ++p) place(p, hash_of(ring_[p]));
  head_ = held;
}

std::uint32_t SeenCache::hash_of(const Hash256& id) const {
  return static_cast<std::uint32_t>(Hash256Hasher{salt_}(id));
}

std::uint32_t SeenCache::find(const Hash256& id) const {
  const std::uint32_t h = hash_of(id);
  // The index is at most half full, so every probe run ends at an empty slot.
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Entry& e = index_[i];
    if (e.slot == kEmpty) return kEmpty;
    if (e.hash == h && ring_[e.slot - 1] == id) return e.slot;
  }
}

void SeenCache::erase_from_index(const Hash256& id) {
  const std::uint32_t h = hash_of(id);
  std::size_t hole = h & mask_;
  while (index_[hole].hash != h || ring_[index_[hole].slot - 1] != id) hole = (hole + 1) & mask_;
  // Backward-shift deletion: pull later members of the run into the hole when the hole lies
  // on their probe path (between their home and where they sit), so no tombstones build up.
  for (std::size_t i = (hole + 1) & mask_; index_[i].slot != kEmpty; i = (i + 1) & mask_) {
    const std::size_t home = index_[i].hash & mask_;
    const bool hole_on_path = ((i - home) & mask_) >= ((i - hole) & mask_);
    if (hole_on_path) {
      index_[hole] = index_[i];
      hole = i;
    }
  }
  index_[hole] = Entry{};
}

bool SeenCache::insert(const Hash256& id) {
  const std::uint32_t h = hash_of(id);
  std::size_t i = h & mask_;
  for (; index_[i].slot != kEmpty; i = (i + 1) & mask_) {
    if (index_[i].hash == h && ring_[index_[i].slot - 1] == id) return false;
  }
  if (size_ == ring_.size()) {
    if (ring_.size() < max_entries_) {
      grow();
    } else {
      // At the bound: the slot about to be overwritten holds the oldest id.
      erase_from_index(ring_[head_]);
      --size_;
      ++evictions_;
    }
    // Growth rebuilt the index, and a deletion may have shifted the empty slot found
    // above: probe again.
    for (i = h & mask_; index_[i].slot != kEmpty; i = (i + 1) & mask_) {
    }
  }
  ring_[head_] = id;
  index_[i] = Entry{static_cast<std::uint32_t>(head_ + 1), h};
  head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
  ++size_;
  if (size_ > high_water_) high_water_ = size_;
  return true;
}

}  // namespace alys::net
