// SeenCache: the bounded set of gossip message ids a node has already handled, so a
// message that comes back around a loop of peers is dropped instead of routed twice
// (gossipsub's "seen" cache).
//
// Bound: never more than `max_entries` ids (TigerStyle: a limit on everything). When full,
// inserting a new id evicts the oldest inserted one (FIFO by first insertion; a repeated
// insert does not refresh an id, so a flood of distinct ids cannot pin old ones). An
// evicted id that arrives again is treated as new: with max_entries far above the number
// of messages in flight during one propagation, that only happens under a flood.
//
// Layout: the ids live in a ring in insertion order; an open-addressing index (linear
// probing, backward-shift deletion) maps an id to its ring slot. Each index entry keeps
// the low 32 bits of the id's hash next to the slot, so probing and shifting read the
// ring only on a hash match (the ring is the cold, large part). Both start small and
// double (the index rebuilt) as ids arrive, until the ring holds max_entries; from then
// on insert and contains never allocate. Growth happens before the first eviction, so it
// never changes which ids are held. Both are O(1) expected (amortized while growing): a
// node that restarts often, or never sees much gossip, does not pay for a full table.
// Determinism (DESIGN.md §5): the index is never iterated, so answers are those of a set
// and never depend on hashing; the hash (Hash256Hasher keyed by `salt`) only places ids, so
// a peer cannot grind SHA-256 outputs into one probe run of a node whose salt it does not
// know.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/runtime/transport.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys::net {

// The identity of a gossip message: SHA-256 of its encoded frame. Frames are canonical
// (decode_frame refuses anything but the one encoding), so the same message always has the
// same id whether we built it or received it.
Hash256 gossip_id(ByteView frame);
// gossip_id(*frame), kept in the buffer (FrameBuffer::digest). In the simulator one sent
// buffer reaches every node of the mesh (peers forward the SharedFrame they received), so
// each node would hash the same bytes again; this hashes them once per buffer. A memo of a
// pure function: the answer is always SHA-256 of the bytes (DESIGN.md §5). REQUIRES: frame
// is not null and its bytes never change (SharedFrame's contract).
Hash256 gossip_id(const SharedFrame& frame);

class SeenCache {
 public:
  // The ring's first size (clamped to max_entries); it doubles as it fills.
  static constexpr std::size_t kInitialEntries = 512;
  // REQUIRES: 0 < max_entries <= 2^30, initial_entries > 0.
  explicit SeenCache(std::size_t max_entries, std::uint64_t salt = 0,
                     std::size_t initial_entries = kInitialEntries);

  // Records `id`. True if it was not already present (the caller should handle the
  // message); false if it was (a duplicate).
  bool insert(const Hash256& id);
  bool contains(const Hash256& id) const { return find(id) != kEmpty; }

  std::size_t size() const { return size_; }
  std::size_t max_entries() const { return max_entries_; }
  // The largest size ever reached (a test checks it never exceeded max_entries).
  std::size_t high_water() const { return high_water_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  static constexpr std::uint32_t kEmpty = 0;  // Entry::slot holds ring position + 1
  struct Entry {
    std::uint32_t slot = kEmpty;
    std::uint32_t hash = 0;  // low 32 bits of the id's hash; home = hash & mask_
  };

  std::uint32_t hash_of(const Hash256& id) const;
  std::uint32_t find(const Hash256& id) const;  // ring position + 1, or kEmpty
  void erase_from_index(const Hash256& id);
  void place(std::size_t ring_position, std::uint32_t hash);  // into the index
  void grow();  // REQUIRES: the ring is full and smaller than max_entries_

  std::uint64_t salt_;
  std::size_t max_entries_;
  std::vector<Hash256> ring_;  // up to max_entries; oldest at head_ when full
  std::vector<Entry> index_;   // power of two >= 2 * ring_.size() (<= 2^31 < 2^32)
  std::size_t mask_ = 0;
  std::size_t head_ = 0;  // next ring position to write
  std::size_t size_ = 0;
  std::size_t high_water_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace alys::net
