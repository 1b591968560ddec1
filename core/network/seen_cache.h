// SeenCache: the bounded set of gossip message ids a node has already handled, so a
// message that comes back around a loop of peers is dropped instead of routed twice
// (gossipsub's "seen" cache).
//
// Bound: never more than `max_entries` ids (TigerStyle: a limit on everything). When full,
// inserting a new id evicts the oldest inserted one (FIFO by first insertion; a repeated
// insert does not refresh an id, so a flood of distinct ids cannot pin old ones). An
// evicted id that arrives again is treated as new: with max_entries far above the number
// of messages in flight during one propagation, that only happens under a flood.
// Memory is O(max_entries); operations are O(log max_entries). Ordered containers only, so
// behaviour never depends on hashing or memory layout (DESIGN.md §5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>

#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::net {

// The identity of a gossip message: SHA-256 of its encoded frame. Frames are canonical
// (decode_frame refuses anything but the one encoding), so the same message always has the
// same id whether we built it or received it.
Hash256 gossip_id(ByteView frame);

class SeenCache {
 public:
  // REQUIRES: max_entries > 0.
  explicit SeenCache(std::size_t max_entries);

  // Records `id`. True if it was not already present (the caller should handle the
  // message); false if it was (a duplicate).
  bool insert(const Hash256& id);
  bool contains(const Hash256& id) const { return ids_.count(id) != 0; }

  std::size_t size() const { return ids_.size(); }
  std::size_t max_entries() const { return max_entries_; }
  // The largest size ever reached (a test checks it never exceeded max_entries).
  std::size_t high_water() const { return high_water_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  std::size_t max_entries_;
  std::set<Hash256> ids_;
  std::deque<Hash256> order_;  // oldest first; same elements as ids_
  std::size_t high_water_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace alys::net
