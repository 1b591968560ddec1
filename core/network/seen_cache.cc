#include "core/network/seen_cache.h"

#include <bit>

#include "core/crypto/sha256.h"
#include "core/runtime/assert.h"

namespace alys::net {

Hash256 gossip_id(ByteView frame) { return sha256(frame); }

SeenCache::SeenCache(std::size_t max_entries, std::uint64_t salt) : salt_(salt) {
  ALYS_ASSERT(max_entries > 0 && max_entries <= (std::size_t{1} << 30),
              "SeenCache: max_entries must be in 1..2^30");
  ring_.resize(max_entries);
  index_.assign(std::bit_ceil(2 * max_entries), kEmpty);
  mask_ = index_.size() - 1;
}

std::size_t SeenCache::home(const Hash256& id) const { return Hash256Hasher{salt_}(id) & mask_; }

std::uint32_t SeenCache::find(const Hash256& id) const {
  // The index is at most half full, so every probe run ends at an empty slot.
  for (std::size_t i = home(id);; i = (i + 1) & mask_) {
    const std::uint32_t slot = index_[i];
    if (slot == kEmpty) return kEmpty;
    if (ring_[slot - 1] == id) return slot;
  }
}

void SeenCache::erase_from_index(const Hash256& id) {
  std::size_t hole = home(id);
  while (index_[hole] == kEmpty || ring_[index_[hole] - 1] != id) hole = (hole + 1) & mask_;
  // Backward-shift deletion: pull later members of the run into the hole when the hole lies
  // on their probe path (between their home and where they sit), so no tombstones build up.
  for (std::size_t i = (hole + 1) & mask_; index_[i] != kEmpty; i = (i + 1) & mask_) {
    const std::size_t h = home(ring_[index_[i] - 1]);
    const bool hole_on_path = ((i - h) & mask_) >= ((i - hole) & mask_);
    if (hole_on_path) {
      index_[hole] = index_[i];
      hole = i;
    }
  }
  index_[hole] = kEmpty;
}

bool SeenCache::insert(const Hash256& id) {
  std::size_t i = home(id);
  for (; index_[i] != kEmpty; i = (i + 1) & mask_) {
    if (ring_[index_[i] - 1] == id) return false;
  }
  if (size_ == ring_.size()) {
    // Full: the slot about to be overwritten holds the oldest id.
    erase_from_index(ring_[head_]);
    --size_;
    ++evictions_;
    // The deletion may have shifted the empty slot found above; probe again.
    for (i = home(id); index_[i] != kEmpty; i = (i + 1) & mask_) {
    }
  }
  ring_[head_] = id;
  index_[i] = static_cast<std::uint32_t>(head_ + 1);
  head_ = head_ + 1 == ring_.size() ? 0 : head_ + 1;
  ++size_;
  if (size_ > high_water_) high_water_ = size_;
  return true;
}

}  // namespace alys::net
