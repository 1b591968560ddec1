#include "core/network/seen_cache.h"

#include "core/crypto/sha256.h"
#include "core/runtime/assert.h"

namespace alys::net {

Hash256 gossip_id(ByteView frame) { return sha256(frame); }

SeenCache::SeenCache(std::size_t max_entries) : max_entries_(max_entries) {
  ALYS_ASSERT(max_entries_ > 0, "SeenCache: max_entries must be > 0");
}

bool SeenCache::insert(const Hash256& id) {
  if (!ids_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > max_entries_) {
    ids_.erase(order_.front());
    order_.pop_front();
    ++evictions_;
  }
  if (ids_.size() > high_water_) high_water_ = ids_.size();
  ALYS_ASSERT(ids_.size() == order_.size() && ids_.size() <= max_entries_,
              "SeenCache: bound broken");
  return true;
}

}  // namespace alys::net
